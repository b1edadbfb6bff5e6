package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StorageUrlsTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "s3+https://AKIAKEY:s3cr%2Ft@storage.example.com/bucket | s3+https://***:***@storage.example.com/bucket",
                "s3+http://key:secret@127.0.0.1:9000/out/videos/a.mp4 | s3+http://***:***@127.0.0.1:9000/out/videos/a.mp4",
                "https://user:password@cdn.example.com/file.mp4?x=1 | https://***:***@cdn.example.com/file.mp4?x=1",
                "http://token@host/path | http://***:***@host/path",
                "s3+https://key:p@ss@host/bucket | s3+https://***:***@host/bucket",
                "S3+HTTPS://KEY:SECRET@HOST/B | S3+HTTPS://***:***@HOST/B",
            })
    void givenAUrlWithUserinfo_whenMask_thenTheUserinfoIsReplaced(String url, String masked) {
        assertThat(StorageUrls.mask(url)).isEqualTo(masked);
    }

    @Test
    void givenAnS3UrlWhoseSecretHasAnUnencodedSlash_whenMask_thenNoPartOfTheSecretShows() {
        String masked = StorageUrls.mask("s3+https://AKIAKEY:abc/def+ghi@storage.example.com/bucket/in.mp4");

        assertThat(masked)
                .isEqualTo("s3+https://***:***@storage.example.com/bucket/in.mp4")
                .doesNotContain("abc")
                .doesNotContain("def")
                .doesNotContain("AKIAKEY");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://cdn.example.com/@user/video.mp4",
                "https://cdn.example.com/file.mp4",
                "file:///data/objects",
                "/var/lib/spool/objects",
                "not a url at all",
                "ipfs://bafy",
                "",
            })
    void givenAStringWithoutUserinfo_whenMask_thenItIsUnchanged(String text) {
        assertThat(StorageUrls.mask(text)).isEqualTo(text);
    }

    @Test
    void givenNull_whenMask_thenNull() {
        assertThat(StorageUrls.mask(null)).isNull();
    }
}
