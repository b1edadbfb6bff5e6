package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Playlists, codec strings, chunking and thumbnail cues, without running ffmpeg. */
class PackagingTest {

    @TempDir
    Path dir;

    private static PipelineResult.HlsRendition rendition(String name, int w, int h, long average) {
        return new PipelineResult.HlsRendition(
                name, w, h, average, average * 2, average, "avc1.64001f,mp4a.40.2", name + "/index.m3u8", 30.0);
    }

    @Test
    void givenLadderWithLargeTopRung_whenOrdered_thenBitrateDescendingWithFirstTwoSwapped() {
        List<PipelineResult.HlsRendition> ordered = MasterPlaylist.order(List.of(
                rendition("360p0", 640, 360, 600_000),
                rendition("1080p0", 1920, 1080, 5_000_000),
                rendition("720p0", 1280, 720, 2_500_000)));
        assertThat(ordered).extracting(PipelineResult.HlsRendition::name).containsExactly("720p0", "1080p0", "360p0");
    }

    @Test
    void givenSmallLadder_whenOrdered_thenNoSwapAndTiesPreferLargerPicture() {
        List<PipelineResult.HlsRendition> ordered =
                MasterPlaylist.order(List.of(rendition("a", 320, 180, 500_000), rendition("b", 640, 360, 500_000)));
        assertThat(ordered).extracting(PipelineResult.HlsRendition::name).containsExactly("b", "a");
    }

    @Test
    void givenRenditions_whenMasterRendered_thenEveryVariantHasMeasuredAndRealAttributes() {
        String master = MasterPlaylist.render(List.of(rendition("720p0", 1280, 720, 2_000_000)));
        assertThat(master).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-STREAM-INF:BANDWIDTH=4000000,AVERAGE-BANDWIDTH=2000000,RESOLUTION=1280x720,\
                CODECS="avc1.64001f,mp4a.40.2",FRAME-RATE=30.000,NAME="0-720p0"
                720p0/index.m3u8
                """);
    }

    @Test
    void givenFragmentedSegments_whenPlaylistRenderedAndReadBack_thenSameSegmentsAndOneMap() throws Exception {
        MediaPlaylist playlist = new MediaPlaylist(List.of(
                new MediaPlaylist.Segment("0.m4s", 6.0, "init.mp4"),
                new MediaPlaylist.Segment("1.m4s", 6.4, "init.mp4"),
                new MediaPlaylist.Segment("2.m4s", 1.5, "init.mp4")));
        Path file = Files.writeString(dir.resolve("index.m3u8"), playlist.render());

        assertThat(playlist.render())
                .contains("#EXT-X-TARGETDURATION:6\n")
                .containsOnlyOnce("#EXT-X-MAP:URI=\"init.mp4\"")
                .contains("#EXT-X-VERSION:7")
                .endsWith("#EXT-X-ENDLIST\n");
        assertThat(MediaPlaylist.read(file)).isEqualTo(playlist);
        assertThat(MediaPlaylist.read(file).totalDuration()).isEqualTo(13.9, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void givenTenMinuteInput_whenChunked_thenWholeWavesOnSegmentBoundaries() {
        List<ChunkPlan.Chunk> chunks = ChunkPlan.plan(600.0, 6, 120, 2);
        assertThat(chunks).hasSize(6);
        assertThat(chunks)
                .extracting(ChunkPlan.Chunk::start, ChunkPlan.Chunk::firstSegment)
                .startsWith(tuple(0.0, 0), tuple(102.0, 17));
        assertThat(chunks.get(5).length()).isNull();
        assertThat(chunks.stream().mapToDouble(ChunkPlan.Chunk::expected).sum()).isEqualTo(600.0);
        assertThat(chunks).allSatisfy(c -> assertThat(c.start() % 6).isZero());
    }

    @Test
    void givenShortOrUnknownDuration_whenChunked_thenOneChunk() {
        assertThat(ChunkPlan.plan(100.0, 6, 120, 2)).hasSize(1);
        assertThat(ChunkPlan.plan(null, 6, 120, 2)).hasSize(1);
        assertThat(ChunkPlan.plan(600.0, 6, 120, 1)).hasSize(1);
    }

    @Test
    void givenSegmentDurations_whenCuesWritten_thenExactTimesForExistingPictures() throws Exception {
        Files.createFile(dir.resolve("keyframes_0.png"));
        Files.createFile(dir.resolve("keyframes_1.png"));
        assertThat(ThumbnailTrack.render(List.of(6.006, 5.5), dir)).isEqualTo("""
                WEBVTT

                00:00:00.000 --> 00:00:06.006
                keyframes_0.png

                00:00:06.006 --> 00:00:11.506
                keyframes_1.png

                """);
        assertThat(ThumbnailTrack.timestamp(3725.25)).isEqualTo("01:02:05.250");
    }

    @Test
    void givenProbedSpec_whenSerialised_thenLivepeerFieldsOnlyAndNoNulls() throws Exception {
        String json = new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(Specs.video(1280, 720, 4_000_000L));
        assertThat(json)
                .isEqualTo("{\"format\":\"mp4\",\"duration\":10.0,\"bitrate\":4000000,\"tracks\":[{\"type\":\"video\","
                        + "\"codec\":\"h264\",\"startTime\":0.0,\"duration\":10.0,\"bitrate\":4000000,\"width\":1280,"
                        + "\"height\":720,\"pixelFormat\":\"yuv420p\",\"fps\":30.0,\"bitDepth\":8}]}");
    }

    @Test
    void givenParameterSets_whenCodecStringsBuilt_thenRfc6381() {
        byte[] avcc = HexFormat.of().parseHex("0164001fffe1");
        byte[] annexB = HexFormat.of().parseHex("0000000109f000000001674d4028");
        byte[] hvcc = HexFormat.of().parseHex("0101600000009000000000005d" + "f000fcfdf8f800000f");
        assertThat(CodecStrings.h264(avcc)).isEqualTo("avc1.64001f");
        assertThat(CodecStrings.h264(annexB)).isEqualTo("avc1.4d4028");
        assertThat(CodecStrings.hevc(hvcc)).isEqualTo("hvc1.1.6.L93.90");
        assertThat(CodecStrings.vp9(0, 1920, 1080, 30, 8)).isEqualTo("vp09.00.40.08");
        assertThat(CodecStrings.vp9(0, 640, 360, 30, 8)).isEqualTo("vp09.00.21.08");
        assertThat(CodecStrings.aac("LC")).isEqualTo("mp4a.40.2");
        assertThat(CodecStrings.fromHexDump("\n00000000: 0000 0167 42c0 0dda  ...gB...\n"))
                .containsExactly(0, 0, 1, 0x67, 0x42, 0xc0 - 256, 0x0d, 0xda - 256);
    }
}
