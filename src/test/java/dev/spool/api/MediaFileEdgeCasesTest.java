package dev.spool.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /asset/<playbackId>/<path>} under what browsers and players really send: gzip offered, several ranges,
 * malformed ranges, {@code If-None-Match: *}. Media bytes must arrive whole and exact.
 */
class MediaFileEdgeCasesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final byte[] SOURCE = new byte[156_600];

    static TestServer server;
    static String sourceUrl;

    @BeforeAll
    static void uploadASource() throws Exception {
        new Random(7).nextBytes(SOURCE);
        server = TestServer.start(Store.SQLITE);
        var alice = server.client(server.createUserKey("alice@example.com").key());
        var requested =
                alice.post("/api/asset/request-upload", Map.of("name", "media")).json();
        var put = HTTP.send(
                HttpRequest.newBuilder(URI.create(requested.path("url").asText()))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(SOURCE))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        String playbackId = requested.path("asset").path("playbackId").asText();
        sourceUrl = server.baseUrl() + "/asset/" + playbackId + "/video";
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<byte[]> get(String... headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(sourceUrl));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void givenAClientOfferingGzip_whenItDownloadsTheSource_thenTheBytesArriveUncompressedAndWhole() throws Exception {
        var whole = get("Accept-Encoding", "gzip, deflate, br");

        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(whole.headers().firstValueAsLong("Content-Length")).hasValue(SOURCE.length);
        assertThat(whole.body()).isEqualTo(SOURCE);

        var ranged = get("Accept-Encoding", "gzip", "Range", "bytes=1000-139999");

        assertThat(ranged.statusCode()).isEqualTo(206);
        assertThat(ranged.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(ranged.body()).isEqualTo(Arrays.copyOfRange(SOURCE, 1000, 140_000));
    }

    @Test
    void givenAClientOfferingGzip_whenItReadsAJsonList_thenTheJsonIsCompressed() throws Exception {
        var key = server.createUserKey("lister@example.com").key();
        var client = server.client(key);
        for (int i = 0; i < 8; i++) {
            client.post("/api/asset/request-upload", Map.of("name", "a fairly long asset name to fill the list " + i));
        }

        var list = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/asset"))
                        .header("Authorization", "Bearer " + key)
                        .header("Accept-Encoding", "gzip")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.headers().firstValue("Content-Encoding")).contains("gzip");
    }

    @Test
    void givenSeveralSatisfiableRanges_whenRequested_thenTheFirstRangeIsServed() throws Exception {
        var answer = get("Range", "bytes=0-99, 200-299");

        assertThat(answer.statusCode()).isEqualTo(206);
        assertThat(answer.headers().firstValue("Content-Range")).contains("bytes 0-99/" + SOURCE.length);
        assertThat(answer.body()).isEqualTo(Arrays.copyOfRange(SOURCE, 0, 100));
    }

    @Test
    void givenAnUnsatisfiableFirstRange_whenALaterOneFits_thenTheFittingRangeIsServed() throws Exception {
        var answer = get("Range", "bytes=999999999-, 10-19");

        assertThat(answer.statusCode()).isEqualTo(206);
        assertThat(answer.body()).isEqualTo(Arrays.copyOfRange(SOURCE, 10, 20));
    }

    @Test
    void givenASyntacticallyInvalidRange_whenRequested_thenItIsIgnoredAndTheWholeFileServed() throws Exception {
        for (String range : new String[] {"bytes=abc", "pages=1-2", "bytes=5-1-2", "bytes=", "bytes=-"}) {
            var answer = get("Range", range);

            assertThat(answer.statusCode()).as(range).isEqualTo(200);
            assertThat(answer.body()).as(range).isEqualTo(SOURCE);
        }
    }

    @Test
    void givenAValidButUnsatisfiableRange_whenRequested_thenTheAnswerIs416() throws Exception {
        var answer = get("Range", "bytes=999999999-");

        assertThat(answer.statusCode()).isEqualTo(416);
        assertThat(answer.headers().firstValue("Content-Range")).contains("bytes */" + SOURCE.length);
    }

    @Test
    void givenIfNoneMatchStar_whenTheFileExists_thenTheAnswerIs304() throws Exception {
        var answer = get("If-None-Match", "*");

        assertThat(answer.statusCode()).isEqualTo(304);
        assertThat(answer.body()).isEmpty();
    }

    @Test
    void givenIfNoneMatchWithAListHoldingTheEtag_whenRequested_thenTheAnswerIs304() throws Exception {
        String etag = get().headers().firstValue("ETag").orElseThrow();

        var answer = get("If-None-Match", "\"other\", " + etag);

        assertThat(answer.statusCode()).isEqualTo(304);
    }
}
