package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.spool.media.TranscodeProfile.Encoder;
import dev.spool.testing.CapturedOutput;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("media")
// Encoding with ffmpeg on a loaded 2-core machine: more than the 5 minutes every other test gets.
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MediaPipelineTest {

    private static final double SEGMENT = 2;

    @TempDir
    static Path sources;
    /** 3 s, 320x180, H.264 + AAC: the common small source. */
    private static Path small;

    @TempDir
    Path out;

    private final MediaPipeline pipeline = new MediaPipeline(TestMedia.binaries());

    @BeforeAll
    static void generate() {
        small = TestMedia.video().seconds(3).size(320, 180).fps(30).withAudio().writeTo(sources.resolve("small.mp4"));
    }

    private static PipelineRequest.Builder request(Path input, Path output) {
        return PipelineRequest.builder(input, output).preset("ultrafast").segmentSeconds(SEGMENT);
    }

    @Test
    void givenOddSized853x479Source_whenRunWithDefaultLadder_thenLadderMp4sThumbnailsAndHashes() throws Exception {
        Path odd = TestMedia.video()
                .seconds(3)
                .size(854, 480)
                .fps(30)
                .withAudio()
                .filter("scale=853:479,setsar=1")
                .pixelFormat("yuv444p")
                .bitrate("1500k")
                .writeTo(sources.resolve("odd.mp4"));
        List<Double> progress = new ArrayList<>();

        PipelineResult result = pipeline.run(request(odd, out).build(), progress::add);

        // The default (spool) ladder: the 360p rung (below the source's height), not 720p (above it), and a top
        // rung at the source's size rounded down to even.
        assertThat(result.renditions())
                .extracting(PipelineResult.HlsRendition::name)
                .containsExactlyInAnyOrder("360p0", "478p0");
        PipelineResult.HlsRendition top = result.renditions().stream()
                .filter(r -> r.name().equals("478p0"))
                .findFirst()
                .orElseThrow();
        assertThat(top.width()).isEqualTo(852);
        assertThat(top.height()).isEqualTo(478);
        assertThat(top.codecs()).matches("avc1\\.[0-9a-f]{6},mp4a\\.40\\.2");
        HlsAssertions.assertPlayable(out, result, 3.0);

        String master = Files.readString(out.resolve("index.m3u8"));
        assertThat(master)
                .contains("RESOLUTION=852x478")
                .contains("AVERAGE-BANDWIDTH=")
                .contains("FRAME-RATE=30.000");
        assertThat(result.mp4s())
                .extracting(PipelineResult.Mp4Output::path)
                .containsExactlyInAnyOrder("360p0.mp4", "478p0.mp4");
        for (PipelineResult.Mp4Output mp4 : result.mp4s()) {
            assertThat(mp4.size()).isEqualTo(Files.size(out.resolve(mp4.path())));
            assertThat(mp4.bitrate()).isPositive();
            assertFastStart(out.resolve(mp4.path()));
        }
        assertThat(result.thumbnailsVtt()).isEqualTo("thumbnails/thumbnails.vtt");
        assertThat(Files.readString(out.resolve(result.thumbnailsVtt()))).isEqualTo("""
                WEBVTT

                00:00:00.000 --> 00:00:02.000
                keyframes_0.png

                00:00:02.000 --> 00:00:03.000
                keyframes_1.png

                """);
        assertThat(HlsAssertions.videoStreamLine(out.resolve("thumbnails/keyframes_0.png"), "width,height"))
                .containsExactly("640", "360");
        assertThat(result.inputSize()).isEqualTo(Files.size(odd));
        assertThat(result.md5()).isEqualTo(hash("MD5", odd));
        assertThat(result.sha256()).isEqualTo(hash("SHA-256", odd));
        assertThat(progress).isSorted().last().isEqualTo(1.0);
        assertThat(result.files())
                .contains("thumbnails/keyframes_1.png", "478p0/index.m3u8", "478p0/0.ts", "478p0.mp4");
    }

    @Test
    void givenH264HevcAndVp9Profiles_whenRun_thenTsForH264AndFragmentedMp4ForTheOthers() throws Exception {
        List<TranscodeProfile> profiles = List.of(
                TranscodeProfile.of("avc", 256, 144, 300_000).withProfile(TranscodeProfile.H264Profile.H264Baseline),
                TranscodeProfile.of("hevc", 256, 144, 300_000)
                        .withEncoder(Encoder.HEVC)
                        .withQuality(30),
                TranscodeProfile.of("vp9", 256, 144, 300_000)
                        .withEncoder(Encoder.VP9)
                        .withQuality(35));

        PipelineResult result =
                pipeline.run(request(small, out).profiles(profiles).build(), ProgressListener.NONE);

        HlsAssertions.assertPlayable(out, result, 3.0);
        assertThat(result.renditions())
                .extracting(
                        PipelineResult.HlsRendition::name,
                        PipelineResult.HlsRendition::width,
                        PipelineResult.HlsRendition::height)
                .containsOnly(
                        org.assertj.core.groups.Tuple.tuple("avc", 256, 144),
                        org.assertj.core.groups.Tuple.tuple("hevc", 256, 144),
                        org.assertj.core.groups.Tuple.tuple("vp9", 256, 144));
        assertThat(codecs(result, "avc")).startsWith("avc1.42");
        assertThat(codecs(result, "hevc")).startsWith("hvc1.1.6.L").endsWith(",mp4a.40.2");
        assertThat(codecs(result, "vp9")).isEqualTo("vp09.00.11.08,mp4a.40.2");
        assertThat(result.files())
                .contains(
                        "avc/0.ts", "hevc/init.mp4", "hevc/0.m4s", "vp9/init.mp4", "vp9/0.m4s", "hevc.mp4", "vp9.mp4");
        assertThat(HlsAssertions.videoStreamLine(out.resolve("avc/0.ts"), "has_b_frames"))
                .containsExactly("0");
    }

    @Test
    void givenRungsEachHalfTheNext_whenRun_thenEveryRungIsTheSourcePictureAtItsSize() throws Exception {
        Path source = TestMedia.video()
                .seconds(2)
                .size(640, 360)
                .fps(30)
                .bitrate("4M")
                .writeTo(sources.resolve("halves.mp4"));
        // each smaller rung is scaled from the next larger one's picture
        List<TranscodeProfile> profiles = List.of(
                TranscodeProfile.of("full", 640, 360, 4_000_000).withQuality(16),
                TranscodeProfile.of("half", 320, 180, 2_000_000).withQuality(16),
                TranscodeProfile.of("quarter", 160, 90, 1_000_000).withQuality(16));

        PipelineResult result =
                pipeline.run(request(source, out).profiles(profiles).build(), ProgressListener.NONE);

        HlsAssertions.assertPlayable(out, result, 2.0);
        Quality quality = new Quality(TestMedia.binaries(), out);
        for (Rendition r :
                new LadderPlanner(Ladder.SPOOL).plan(new Prober(TestMedia.binaries()).probe(source), profiles)) {
            // against the source scaled straight to the rung's size: a wrong or garbled picture scores below 20 dB
            assertThat(quality.measure(out.resolve(r.name()).resolve(Packager.MEDIA), source, r)
                            .psnr())
                    .as(r.name())
                    .isGreaterThan(35);
        }
    }

    @Test
    void givenRotatedSource_whenRun_thenPortraitRenditions() throws Exception {
        Path rotated = TestMedia.ffmpeg(
                sources.resolve("rotated.mp4"),
                List.of("-display_rotation", "90", "-i", small.toString(), "-c", "copy"));

        PipelineResult result = pipeline.run(
                request(rotated, out).mp4(Mp4Mode.NONE).thumbnails(false).build(), ProgressListener.NONE);

        HlsAssertions.assertPlayable(out, result, 3.0);
        assertThat(result.renditions()).allSatisfy(r -> assertThat(r.height()).isGreaterThan(r.width()));
        assertThat(result.renditions())
                .extracting(PipelineResult.HlsRendition::width)
                .contains(180);
        assertThat(result.mp4s()).isEmpty();
        assertThat(result.thumbnailsVtt()).isNull();
    }

    @Test
    void givenVariableFrameRateSource_whenRun_thenRenditionsHaveConstantFrameRate() throws Exception {
        Path vfr = TestMedia.video()
                .seconds(3)
                .size(320, 180)
                .fps(30)
                .filter("select='not(between(mod(n,30),5,14))'")
                .variableFrameRate()
                .writeTo(sources.resolve("vfr.mp4"));
        assertThat(new Prober(TestMedia.binaries())
                        .probe(vfr)
                        .video()
                        .orElseThrow()
                        .variableFrameRate())
                .isTrue();

        PipelineResult result = pipeline.run(request(vfr, out).mp4(Mp4Mode.NONE).build(), ProgressListener.NONE);

        HlsAssertions.assertPlayable(out, result, 3.0);
        PipelineResult.HlsRendition top = result.renditions().get(0);
        List<String> rates = HlsAssertions.videoStreamLine(out.resolve(top.playlist()), "r_frame_rate,avg_frame_rate");
        assertThat(rates.get(0)).isEqualTo(rates.get(1));
    }

    @Test
    void givenAudioStartingOneSecondAfterTheVideo_whenRun_thenEveryOutputStartsAudioAndVideoTogether()
            throws Exception {
        Path late = TestMedia.video().seconds(3).size(320, 180).audioLate(1).writeTo(sources.resolve("late-audio.mp4"));
        assertThat(HlsAssertions.audioVideoStartGap(late)).isGreaterThan(0.9);

        PipelineResult result =
                pipeline.run(request(late, out).thumbnails(false).build(), ProgressListener.NONE);

        HlsAssertions.assertPlayable(out, result, 3.0);
        for (PipelineResult.HlsRendition rendition : result.renditions()) {
            assertThat(HlsAssertions.audioVideoStartGap(out.resolve(rendition.playlist())))
                    .as("audio and video start of " + rendition.name())
                    .isLessThan(0.04);
        }
        assertThat(result.mp4s())
                .isNotEmpty()
                .allSatisfy(mp4 -> assertThat(HlsAssertions.audioVideoStartGap(out.resolve(mp4.path())))
                        .as(mp4.path())
                        .isLessThan(0.04));
    }

    @Test
    void givenSparseFramesInAvi_whenRun_thenPlaylistsDescribeTheWholeTimelineFromZero() throws Exception {
        // 15 fps AVI with a picture only every 20 frames: the rest are empty "repeat the last frame" chunks
        Path sparse = TestMedia.video()
                .seconds(6)
                .size(160, 120)
                .fps(15)
                .filter("select='gte(n\\,17)*not(mod(n\\,20))+eq(n\\,89)'")
                .variableFrameRate()
                .codec("cinepak")
                .writeTo(sources.resolve("sparse.avi"));

        PipelineResult result = pipeline.run(request(sparse, out).build(), ProgressListener.NONE);

        HlsAssertions.assertPlayable(out, result, 6.0);
        for (PipelineResult.Mp4Output mp4 : result.mp4s()) {
            assertThat(HlsAssertions.formatDuration(out.resolve(mp4.path()))).isCloseTo(6.0, within(0.07));
        }
        assertThat(Files.readString(out.resolve(result.thumbnailsVtt()))).contains("00:00:04.000 --> 00:00:06.000");
    }

    @Test
    void givenVariableFrameRateSourceAt30ThenAt15Fps_whenRun_thenEncodedAt30FpsWithoutDroppingFrames()
            throws Exception {
        Path vfr = TestMedia.video()
                .seconds(4)
                .size(320, 180)
                .fps(30)
                .filter("select='lt(t\\,2)+not(mod(n\\,2))'")
                .variableFrameRate()
                .writeTo(sources.resolve("thirty-then-fifteen.mp4"));
        VideoSpec.Track probed =
                new Prober(TestMedia.binaries()).probe(vfr).video().orElseThrow();
        assertThat(probed.fps()).isLessThan(25.0);

        PipelineResult result = pipeline.run(
                request(vfr, out)
                        .profiles(List.of(TranscodeProfile.of("p", 320, 180, 500_000)))
                        .mp4(Mp4Mode.NONE)
                        .thumbnails(false)
                        .build(),
                ProgressListener.NONE);

        HlsAssertions.assertPlayable(out, result, 4.0);
        Path playlist = out.resolve(result.renditions().get(0).playlist());
        assertThat(HlsAssertions.videoStreamLine(playlist, "r_frame_rate")).containsExactly("30/1");
        ChildProcess.Result frames = TestMedia.ffprobe(
                "-select_streams",
                "v:0",
                "-count_packets",
                "-show_entries",
                "stream=nb_read_packets",
                "-of",
                "csv=p=0",
                playlist.toString());
        assertThat(Integer.parseInt(frames.stdout().strip().lines().findFirst().orElseThrow()))
                .isBetween(118, 122);
    }

    @Test
    void givenSmallSourceWithSixChannelAudio_whenRun_thenStereoAudioAndThumbnailsNotUpscaled() throws Exception {
        Path surround = TestMedia.video()
                .seconds(2)
                .size(160, 90)
                .withAudio()
                .audioChannels(6)
                .writeTo(sources.resolve("surround.mp4"));

        PipelineResult result = pipeline.run(request(surround, out).build(), ProgressListener.NONE);

        HlsAssertions.assertPlayable(out, result, 2.0);
        assertThat(result.renditions())
                .extracting(PipelineResult.HlsRendition::name)
                .containsExactly("90p0");
        ChildProcess.Result channels = TestMedia.ffprobe(
                "-select_streams",
                "a:0",
                "-show_entries",
                "stream=channels",
                "-of",
                "csv=p=0",
                out.resolve("90p0.mp4").toString());
        assertThat(channels.stdout().strip()).isEqualTo("2");
        assertThat(HlsAssertions.videoStreamLine(out.resolve("thumbnails/keyframes_0.png"), "width,height"))
                .containsExactly("160", "90");
    }

    static Stream<Arguments> nonH264Sources() {
        return Stream.of(
                Arguments.of(
                        "hevc",
                        "mp4",
                        "libx265",
                        List.of("-preset", "ultrafast", "-x265-params", "log-level=error", "-tag:v", "hvc1")),
                // Livepeer refuses VP9 in MP4; Spool decodes it like any other input
                Arguments.of(
                        "vp9",
                        "mp4",
                        "libvpx-vp9",
                        List.of("-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k")));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("nonH264Sources")
    void givenNonH264Source_whenRun_thenAcceptedAndTranscoded(
            String codec, String container, String encoder, List<String> options) throws Exception {
        Path input = TestMedia.video()
                .seconds(2)
                .size(320, 180)
                .withAudio()
                .codec(encoder, options.toArray(String[]::new))
                .writeTo(sources.resolve(codec + "." + container));

        PipelineResult result = pipeline.run(
                request(input, out).mp4(Mp4Mode.NONE).thumbnails(false).build(), ProgressListener.NONE);

        assertThat(result.inputSpec().format()).isEqualTo(container);
        assertThat(result.inputSpec().video().orElseThrow().codec()).isEqualTo(codec);
        HlsAssertions.assertPlayable(out, result, 2.0);
    }

    @Test
    void givenAudioOnlySource_whenRun_thenOneAacRenditionWithoutThumbnails() throws Exception {
        Path mp3 = TestMedia.tone().seconds(3).writeTo(sources.resolve("tone.mp3"));

        PipelineResult result = pipeline.run(request(mp3, out).build(), ProgressListener.NONE);

        HlsAssertions.assertPlayable(out, result, 3.0);
        assertThat(result.renditions()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("audio");
            assertThat(r.codecs()).isEqualTo("mp4a.40.2");
        });
        assertThat(Files.readString(out.resolve("index.m3u8"))).doesNotContain("RESOLUTION");
        assertThat(result.thumbnailsVtt()).isNull();
        assertThat(result.mp4s()).extracting(PipelineResult.Mp4Output::path).containsExactly("audio.mp4");
    }

    @Test
    void givenLongerInputThanThreshold_whenRun_thenChunksJoinIntoOneContinuousPlaylist() throws Exception {
        Path eight =
                TestMedia.video().seconds(8).size(320, 180).fps(30).withAudio().writeTo(sources.resolve("eight.mp4"));
        List<TranscodeProfile> profiles = List.of(
                TranscodeProfile.of("lo", 256, 144, 300_000),
                TranscodeProfile.of("hevc", 256, 144, 300_000).withEncoder(Encoder.HEVC));

        PipelineResult result;
        try (var log = CapturedOutput.start()) {
            result = pipeline.run(
                    request(eight, out)
                            .profiles(profiles)
                            .chunking(3, 2)
                            .mp4(Mp4Mode.ALL)
                            .build(),
                    ProgressListener.NONE);
            // 8 s over a 3 s threshold wants 3 chunks, rounded up to whole waves of 2: 4 chunks of one segment.
            assertThat(log.text()
                            .lines()
                            .filter(line ->
                                    line.startsWith("INFO dev.spool.media.MediaPipeline - transcoding eight.mp4")))
                    .singleElement()
                    .asString()
                    .endsWith("4 chunk(s))");
        }

        HlsAssertions.assertPlayable(out, result, 8.0);
        assertThat(MediaPlaylist.read(out.resolve("lo/index.m3u8")).segments())
                .extracting(MediaPlaylist.Segment::uri)
                .containsExactly("0.ts", "1.ts", "2.ts", "3.ts");
        assertThat(Files.readString(out.resolve("hevc/index.m3u8"))).containsOnlyOnce("#EXT-X-MAP");
        assertThat(result.files())
                .filteredOn(f -> f.startsWith("thumbnails/keyframes_"))
                .hasSize(4);
        for (PipelineResult.Mp4Output mp4 : result.mp4s()) {
            assertThat(HlsAssertions.formatDuration(out.resolve(mp4.path()))).isCloseTo(8.0, within(0.5));
        }
    }

    private static String codecs(PipelineResult result, String name) {
        return result.renditions().stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow()
                .codecs();
    }

    @Test
    void givenOneProcessEncode_whenRunWithSegmentListener_thenEverySegmentIsHandedOverWholeAndSomeBeforeTheEncodeEnds()
            throws Exception {
        // given: 20 s at 640x360 in 2 s segments, encoded at a preset slow enough that the encode outlasts a few looks
        Path source = TestMedia.video()
                .seconds(20)
                .size(640, 360)
                .fps(30)
                .withAudio()
                .writeTo(sources.resolve("segments.mp4"));
        Path copies = Files.createTempDirectory(sources, "handed");
        List<String> handed = new ArrayList<>();
        List<String> beforeTheirPlaylist = new ArrayList<>();

        // when: each segment is copied the moment it is handed over, as a publisher would upload it
        PipelineResult result = pipeline.run(
                request(source, out).preset("medium").build(),
                ProgressListener.NONE,
                (file, path) -> {
                    Path copy = copies.resolve(file);
                    Files.createDirectories(copy.getParent());
                    Files.copy(path, copy);
                    handed.add(file);
                    // the HLS muxer writes a VOD playlist when it ends: none yet means the encode is still running
                    try (Stream<Path> siblings = Files.list(path.getParent())) {
                        if (siblings.noneMatch(f -> f.toString().endsWith(".m3u8"))) {
                            beforeTheirPlaylist.add(file);
                        }
                    }
                },
                null);

        // then: every segment, and nothing else, was handed over once, with the bytes it was published with
        List<String> segments = result.files().stream()
                .filter(f -> f.endsWith(".ts") || f.endsWith(".m4s"))
                .toList();
        assertThat(segments).hasSizeGreaterThanOrEqualTo(10);
        assertThat(handed).containsExactlyInAnyOrderElementsOf(segments);
        for (String file : handed) {
            assertThat(Files.mismatch(copies.resolve(file), out.resolve(file)))
                    .as("%s as handed over", file)
                    .isEqualTo(-1L);
        }
        assertThat(beforeTheirPlaylist).isNotEmpty();
        HlsAssertions.assertPlayable(out, result, 20.0);
    }

    /** With faststart the moov box comes before mdat. */
    private static void assertFastStart(Path mp4) throws Exception {
        byte[] bytes = Files.readAllBytes(mp4);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(text.indexOf("moov")).isLessThan(text.indexOf("mdat"));
    }

    static String hash(String algorithm, Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance(algorithm);
        try (InputStream in = Files.newInputStream(file)) {
            digest.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
