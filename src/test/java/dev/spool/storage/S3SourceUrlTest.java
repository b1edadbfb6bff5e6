package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3SourceUrlTest {

    @Test
    void givenSecretWithRawSlashAndPlus_whenParsing_thenKeepsThemLiterally() throws Exception {
        S3SourceUrl parsed =
                S3SourceUrl.parse("s3+https://AKIAEXAMPLE:wJal/rXUt+nFEMI@minio.example.com:9000/media/in/clip.mp4");

        assertThat(parsed.https()).isTrue();
        assertThat(parsed.accessKey()).isEqualTo("AKIAEXAMPLE");
        assertThat(parsed.secretKey()).isEqualTo("wJal/rXUt+nFEMI");
        assertThat(parsed.hostAndPort()).isEqualTo("minio.example.com:9000");
        assertThat(parsed.bucket()).isEqualTo("media");
        assertThat(parsed.key()).isEqualTo("in/clip.mp4");
        assertThat(parsed.endpoint()).isEqualTo(URI.create("https://minio.example.com:9000"));
    }

    @Test
    void givenPercentEscapes_whenParsing_thenDecodesCredentialsAndKey() throws Exception {
        S3SourceUrl parsed = S3SourceUrl.parse("s3+http://key:p%40ss%2Fword@127.0.0.1:9000/bucket/my%20clip+1.mp4");

        assertThat(parsed.https()).isFalse();
        assertThat(parsed.secretKey()).isEqualTo("p@ss/word");
        assertThat(parsed.key()).isEqualTo("my clip+1.mp4");
    }

    @Test
    void givenIpv6Host_whenParsing_thenKeepsTheBrackets() throws Exception {
        S3SourceUrl parsed = S3SourceUrl.parse("s3+http://key:secret@[::1]:9000/bucket/k");

        assertThat(parsed.endpoint().getHost()).isEqualTo("[::1]");
        assertThat(parsed.endpoint().getPort()).isEqualTo(9000);
    }

    @Test
    void givenParsedUrl_whenPrinting_thenTheSecretIsMasked() throws Exception {
        S3SourceUrl parsed = S3SourceUrl.parse("s3+https://AKIA:topsecret@host/bucket/key.mp4");

        assertThat(parsed.toString())
                .isEqualTo("s3+https://***:***@host/bucket/key.mp4")
                .doesNotContain("topsecret");
        assertThat(parsed.display()).isEqualTo(parsed.toString());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "s3+https://host/bucket/key",
                "s3+https://onlykey@host/bucket/key",
                "s3+https://key:@host/bucket/key",
                "s3+https://key:secret@host",
                "s3+https://key:secret@host/bucket",
                "s3+https://key:secret@host/bucket/",
                "s3+https://key:secret@/bucket/key",
                "s3+https://key:sec%4@host/bucket/key",
            })
    void givenMalformedUrl_whenParsing_thenFailsInvalidUrlWithoutTheSecret(String url) {
        FetchException failure = catchThrowableOfType(FetchException.class, () -> S3SourceUrl.parse(url));

        assertThat(failure.code()).isEqualTo(FetchException.INVALID_URL);
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.getMessage()).doesNotContain("secret").doesNotContain("sec%4");
    }
}
