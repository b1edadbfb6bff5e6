package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.media.SampleMedia;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** What the chunked-import tests over S3 share: an import from a URL, its end, and its outputs played through. */
final class LongImports {
    private static final double FRAME = 1.0 / 25;

    private LongImports() {}

    /** Imports {@code url} in 2 s segments; answers the import's task id. */
    static String start(ApiClient client, String url) {
        var created =
                client.post("/api/asset/upload/url", Map.of("name", "long", "url", url, "targetSegmentSizeSecs", 2));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("task").path("id").asText();
    }

    /** The task once it has ended, whichever way. */
    static JsonNode awaitEnd(ApiClient client, String taskId, Duration timeout) {
        return Await.until(
                () -> client.get("/api/task/" + taskId).json(),
                task -> Set.of("completed", "failed", "cancelled")
                        .contains(task.path("status").path("phase").asText()),
                timeout,
                "the import to end");
    }

    /** Every rendition of the completed import's output decodes without an error, for {@code seconds} to a frame. */
    static void assertPlaysThrough(ApiClient client, JsonNode done, double seconds) {
        String master = client.get("/api/asset/" + done.path("outputAssetId").asText())
                .json()
                .path("playbackUrl")
                .asText();
        assertThat(SampleMedia.decodeEverything(master))
                .as("decoding every rendition")
                .isEmpty();
        assertThat(SampleMedia.probe(master).path("format").path("duration").asDouble())
                .isCloseTo(seconds, within(FRAME));
    }
}
