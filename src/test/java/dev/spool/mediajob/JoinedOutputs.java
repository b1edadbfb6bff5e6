package dev.spool.mediajob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.media.SampleMedia;
import dev.spool.testing.ApiClient;
import java.util.stream.StreamSupport;

/** What every import joined from chunks must give: outputs that play through, the audio continuous across joins. */
final class JoinedOutputs {
    /** One frame of the 25 fps sources the chunk tests import. */
    static final double FRAME = 1.0 / 25;

    private JoinedOutputs() {}

    /**
     * The completed import's HLS renditions and MP4 decode without an error, last the source's {@code seconds} within
     * a frame, start audio and video together, and sound the source's tone without a gap.
     */
    static void assertPlayThrough(ApiClient user, JsonNode task, double seconds) {
        var asset =
                user.get("/api/asset/" + task.path("outputAssetId").asText()).json();
        String master = asset.path("playbackUrl").asText();
        assertThat(SampleMedia.decodeEverything(master))
                .as("decoding every rendition")
                .isEmpty();
        var probed = SampleMedia.probe(master);
        assertThat(probed.path("format").path("duration").asDouble()).isCloseTo(seconds, within(FRAME));
        double videoStart = start(probed, "video");
        double audioStart = start(probed, "audio");
        assertThat(audioStart - videoStart).as("audio starts with the video").isCloseTo(0, within(FRAME));
        assertThat(SampleMedia.silences(master, 0.005))
                .as("the tone sounds from the first frame to the end, without a gap at the joins")
                .allSatisfy(silence -> assertThat(silence[1] < FRAME || silence[0] > seconds - 0.1)
                        .as("silence from %s to %s s", silence[0], silence[1])
                        .isTrue());
        String mp4 = asset.path("downloadUrl").asText();
        assertThat(SampleMedia.decodeEverything(mp4)).as("decoding the MP4").isEmpty();
        assertThat(SampleMedia.probe(mp4).path("format").path("duration").asDouble())
                .isCloseTo(seconds, within(FRAME));
    }

    private static double start(JsonNode probed, String type) {
        return StreamSupport.stream(probed.path("streams").spliterator(), false)
                .filter(s -> s.path("codec_type").asText().equals(type))
                .mapToDouble(s -> s.path("start_time").asDouble())
                .min()
                .orElseThrow(() -> new AssertionError("no " + type + " stream in " + probed));
    }
}
