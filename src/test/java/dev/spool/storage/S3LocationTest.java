package dev.spool.storage;

import static dev.spool.storage.ObjectStoreContract.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class S3LocationTest {

    @Test
    void givenALivepeerStorageUrl_whenParse_thenEveryPartIsDecoded() {
        S3Location location =
                S3Location.parse("s3+https://AKIA%2BKEY:se%2Fcr+et%40x@storage.example.com:8443/out/videos/2024");

        assertThat(location.endpoint()).isEqualTo(URI.create("https://storage.example.com:8443"));
        assertThat(location.bucket()).isEqualTo("out");
        assertThat(location.path()).isEqualTo("videos/2024");
        assertThat(location.accessKeyId()).isEqualTo("AKIA+KEY");
        assertThat(location.secretAccessKey()).isEqualTo("se/cr+et@x");
    }

    @Test
    void givenAUrlWithOnlyABucket_whenParse_thenThePathIsEmpty() {
        S3Location location = S3Location.parse("s3+http://k:s@127.0.0.1:9000/bucket/");

        assertThat(location.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(location.bucket()).isEqualTo("bucket");
        assertThat(location.path()).isEmpty();
    }

    @Test
    void givenTheStructuredForm_whenBuilt_thenTheUrlIsLivepeersWithEncodedCredentials() {
        S3Location location = S3Location.of(
                "https://gateway.storjshare.io/", "videos", "/uploads/in put.mp4", "AKIA/KEY", "abc/def+ghi=");

        assertThat(location.toUrl())
                .isEqualTo(
                        "s3+https://AKIA%2FKEY:abc%2Fdef%2Bghi%3D@gateway.storjshare.io/videos/uploads/in%20put.mp4");
        assertThat(S3Location.parse(location.toUrl())).isEqualTo(location);
    }

    @Test
    void givenAnEndpointWithAPath_whenBuilt_thenOnlyHostAndPortAreKeptAsLivepeerDoes() {
        S3Location location = S3Location.of("http://minio.local:9000/ignored", "b", null, "k", "s");

        assertThat(location.endpoint()).isEqualTo(URI.create("http://minio.local:9000"));
        assertThat(location.toUrl()).isEqualTo("s3+http://k:s@minio.local:9000/b");
    }

    @Test
    void givenALocation_whenPrinted_thenNeitherKeyNorSecretShows() {
        S3Location location = S3Location.parse("s3+https://AKIAKEY:TOPSECRET@host/bucket");

        assertThat(location.toString())
                .doesNotContain("TOPSECRET")
                .doesNotContain("AKIAKEY")
                .contains("***:***");
        assertThat(location.maskedUrl()).isEqualTo("s3+https://***:***@host/bucket");
    }

    @ParameterizedTest
    @CsvSource({
        "https://s3.eu-west-1.amazonaws.com, eu-west-1",
        "https://s3-us-west-2.amazonaws.com, us-west-2",
        "https://s3.amazonaws.com, us-east-1",
        "http://127.0.0.1:9000, us-east-1",
        "https://fra1.digitaloceanspaces.com, us-east-1",
    })
    void givenAnEndpoint_whenRegion_thenAwsHostsNameTheirRegionAndOthersUseTheDefault(String endpoint, String region) {
        assertThat(S3Location.of(endpoint, "b", "", "k", "s").region()).isEqualTo(region);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "s3+https://storage.example.com/bucket",
                "s3+https://AKIAKEY:TOPSECRET/X@storage.example.com/bucket",
                "s3+https://justakey@storage.example.com/bucket",
                "s3+https://AKIAKEY:TOPSECRET@storage.example.com",
                "s3+https://AKIAKEY:TOPSECRET@storage.example.com/",
                "s3+https://AKIAKEY:TOP%ZZSECRET@storage.example.com/bucket",
                "s3+https://AKIAKEY:TOPSECRET@storage.example.com/bucket?versionId=1",
                "s3+https://AKIAKEY:TOPSECRET@/bucket",
                "s3+ftp://AKIAKEY:TOPSECRET@storage.example.com/bucket",
                "s3://AKIAKEY:TOPSECRET@storage.example.com/bucket",
            })
    void givenAMalformedUrl_whenParse_thenInvalidUrlWithoutTheSecret(String url) {
        assertThatThrownBy(() -> S3Location.parse(url)).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.code()).isEqualTo(StorageException.INVALID_URL);
            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage()).doesNotContain("TOPSECRET");
        });
    }

    @Test
    void givenAPathThatLeavesTheBucket_whenParse_thenInvalidKey() {
        assertCode(() -> S3Location.parse("s3+https://k:s@host/bucket/a/../../other"), StorageException.INVALID_KEY);
    }
}
