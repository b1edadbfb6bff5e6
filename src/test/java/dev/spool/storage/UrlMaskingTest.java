package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlMaskingTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "https://user:pa55@host/a.mp4                 | https://***:***@host/a.mp4",
                "https://token@host/a.mp4                     | https://***:***@host/a.mp4",
                "s3+https://AKIA:se/cr+et@host:9000/b/k.mp4   | s3+https://***:***@host:9000/b/k.mp4",
                "s3+http://AKIA:p%40ss@[::1]:9000/b/k         | s3+http://***:***@[::1]:9000/b/k",
                "https://host/a.mp4                           | https://host/a.mp4",
                "https://host/users/me@example.com/a.mp4      | https://host/users/me@example.com/a.mp4",
                "https://host/a.mp4?owner=me@example.com      | https://host/a.mp4?owner=me@example.com",
                "ipfs://bafybeigdyr/video.mp4                 | ipfs://bafybeigdyr/video.mp4",
                "not a url                                    | not a url",
            })
    void givenUrl_whenMasking_thenHidesOnlyTheUserInfo(String url, String expected) {
        assertThat(UrlMasking.mask(url)).isEqualTo(expected);
    }
}
