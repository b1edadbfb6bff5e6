package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.Await;
import dev.spool.testing.FfmpegProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A long input whose chunks a {@link ChunkRunner} encodes elsewhere gets the audio a single encode of the whole input
 * writes, packet for packet: the audio is encoded once, beside the chunks, and copied into the joined outputs, so
 * nothing at a join (no gap, overlap or second priming) and nothing at either end differs. An encode stopped while
 * its chunks run stops that audio's encode too.
 */
@Tag("media")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DistributedEncodeTest {
    private static final double SEGMENT = 2;
    private static final double THRESHOLD = 4;

    @TempDir
    static Path sources;

    @TempDir
    Path chunked;

    @TempDir
    Path whole;

    private final MediaPipeline pipeline = new MediaPipeline(TestMedia.binaries());

    static Stream<Arguments> sources() {
        var avcAndHevc = List.of(
                TranscodeProfile.of("avc", 256, 144, 300_000),
                TranscodeProfile.of("hevc", 256, 144, 300_000).withEncoder(TranscodeProfile.Encoder.HEVC));
        return Stream.of(
                Arguments.of("48 kHz tone", source().withAudio(), null, null),
                Arguments.of("44.1 kHz tone", source().withAudio().sampleRate(44_100), null, null),
                Arguments.of("tone starting 0.7 s after the picture", source().audioLate(0.7), null, null),
                Arguments.of("tone ending 3 s before the picture", source().audioSeconds(10), null, null),
                Arguments.of("clip from 1.3 s to 11.9 s", source().withAudio(), new InputRange(1.3, 11.9), null),
                Arguments.of("H.264 and HEVC renditions (fMP4 segments)", source().withAudio(), null, avcAndHevc));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void givenALongInputEncodedInChunksElsewhere_thenEveryOutputCarriesTheAudioOfASingleEncode(
            String name, TestMedia.Recipe recipe, InputRange range, List<TranscodeProfile> profiles) throws Exception {
        Path input = recipe.writeTo(sources.resolve(name.replace(' ', '-') + ".mp4"));
        var runner = new CountingRunner();

        PipelineResult joined =
                pipeline.run(request(input, chunked, range, profiles).build(), p -> {}, SegmentListener.NONE, runner);
        PipelineResult single = pipeline.run(
                request(input, whole, range, profiles).chunking(3600, 2).build(),
                p -> {},
                SegmentListener.NONE,
                runner);

        assertThat(runner.jobs).as("chunks encoded by the runner").isGreaterThan(2);
        assertThat(single.renditions()).hasSameSizeAs(joined.renditions());
        for (var rendition : joined.renditions()) {
            String playlist = rendition.name() + "/index.m3u8";
            assertThat(audioPackets(chunked.resolve(playlist)))
                    .as("the audio of %s", playlist)
                    .isNotEmpty()
                    .isEqualTo(audioPackets(whole.resolve(playlist)));
        }
        for (var mp4 : joined.mp4s()) {
            assertThat(audioPackets(chunked.resolve(mp4.path())))
                    .as("the audio of %s", mp4.path())
                    .isNotEmpty()
                    .isEqualTo(audioPackets(whole.resolve(mp4.path())));
        }
        try (Stream<Path> left = Files.list(chunked)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("the audio waiting for the join is not left among the outputs")
                    .doesNotContain(EncodeCommand.JOIN_AUDIO);
        }
    }

    @Test
    void givenTheChunksStillEncoding_whenTheEncodeIsStopped_thenTheAudioEncodedBesideThemIsStoppedFirst()
            throws Exception {
        // ten minutes of tone under a tiny picture: its audio takes seconds to encode, the video nothing
        Path input = TestMedia.video()
                .seconds(600)
                .size(64, 64)
                .fps(1)
                .withAudio()
                .writeTo(sources.resolve("ten-minutes.mp4"));
        ChunkRunner neverDone = (source, sha256, work, jobs, progress) -> Thread.sleep(Long.MAX_VALUE);
        var outcome = new CompletableFuture<Throwable>();
        Thread encode = Thread.ofPlatform().start(() -> {
            try {
                pipeline.run(request(input, chunked, null, null).build(), p -> {}, SegmentListener.NONE, neverDone);
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        var audio = Await.until(
                () -> FfmpegProcesses.naming(EncodeCommand.JOIN_AUDIO, "ten-minutes.mp4"),
                running -> !running.isEmpty(),
                Duration.ofMinutes(1),
                "the audio's ffmpeg to run beside the chunks");
        assertThat(audio).as("the audio's ffmpeg, still encoding").allMatch(ProcessHandle::isAlive);

        encode.interrupt();

        // far sooner than the audio would finish on its own
        assertThat(outcome.get(3, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(audio).as("the audio's ffmpeg").noneMatch(ProcessHandle::isAlive);
    }

    private static TestMedia.Recipe source() {
        return TestMedia.video().seconds(13).size(320, 180).fps(25);
    }

    private static PipelineRequest.Builder request(
            Path input, Path output, InputRange range, List<TranscodeProfile> profiles) {
        return PipelineRequest.builder(input, output)
                .profiles(profiles)
                .preset("ultrafast")
                .segmentSeconds(SEGMENT)
                .mp4(Mp4Mode.ALL)
                .chunking(THRESHOLD, 2)
                .range(range);
    }

    /** Each audio packet's time, duration and bytes, in order. */
    private static List<String> audioPackets(Path file) {
        return TestMedia.probe(
                        "-select_streams",
                        "a",
                        "-show_entries",
                        "packet=pts,duration",
                        "-show_data_hash",
                        "MD5",
                        "-of",
                        "csv=p=0",
                        file.toString())
                .lines()
                .toList();
    }

    /** Runs the jobs one after the other on this machine, as a worker of the cluster would. */
    private static final class CountingRunner implements ChunkRunner {
        private final ChunkEncoder encoder = new ChunkEncoder(TestMedia.binaries());
        int jobs;

        @Override
        public void run(Path input, String inputSha256, Path work, List<Job> jobs, Progress progress)
                throws MediaException, InterruptedException {
            for (Job job : jobs) {
                encoder.encode(job, input, work, fraction -> progress.chunk(job.index(), fraction));
                this.jobs++;
            }
        }
    }
}
