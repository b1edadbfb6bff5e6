package dev.spool.mediajob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.spool.media.ChunkEncoder;
import dev.spool.media.ChunkRunner;
import dev.spool.media.MediaException;
import dev.spool.media.MediaPipeline;
import dev.spool.media.PipelineRequest;
import dev.spool.media.PipelineResult;
import dev.spool.media.SampleMedia;
import dev.spool.media.SegmentListener;
import dev.spool.media.TestMedia;
import dev.spool.storage.FetchConfig;
import dev.spool.storage.FetchException;
import dev.spool.storage.SourceFetcher;
import dev.spool.testing.FfmpegProcesses;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source fetched from a URL is encoded while it downloads when its layout allows it (a fast-start MP4), and only
 * once whole otherwise; a download that breaks off is the failure the task reports, not what ffmpeg made of
 * the short read. The source is served by a local server that holds its last bytes back until told.
 */
@Tag("media")
class ArrivingSourceTest {
    private static final Duration WITHHELD_AT_MOST = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private HttpServer http;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean lastBytesSent = new AtomicBoolean();
    private double chunkThresholdSeconds = PipelineRequest.DEFAULT_CHUNK_THRESHOLD_SECONDS;
    private double segmentSeconds = PipelineRequest.DEFAULT_SEGMENT_SECONDS;
    /** Where the chunks of a long input are encoded: null encodes them in the pipeline's process. */
    private ChunkRunner chunkRunner;

    @AfterEach
    void stop() {
        release.countDown();
        if (http != null) {
            http.stop(0);
        }
    }

    @Test
    void givenAFastStartMp4StillDownloading_whenTranscoded_thenFfmpegEncodesItBeforeItsLastBytesArrive()
            throws Exception {
        Path source = TestMedia.video()
                .seconds(6)
                .size("320x240")
                .withAudio()
                .fastStart()
                .writeTo(dir.resolve("faststart.mp4"));

        var encodedEarly = transcodeWhileWithholding(source);

        assertThat(encodedEarly.ffmpegBeforeLastBytes())
                .as("an ffmpeg encode ran while the last bytes were held back")
                .isTrue();
        assertWhole(encodedEarly.result(), source);
    }

    @Test
    void givenAnMp4WithItsIndexLast_whenTranscoded_thenTheEncodeWaitsForTheWholeFile() throws Exception {
        Path source = TestMedia.video().seconds(6).size("320x240").withAudio().writeTo(dir.resolve("indexlast.mp4"));

        var encoded = transcodeWhileWithholding(source, Duration.ofSeconds(3));

        assertThat(encoded.ffmpegBeforeLastBytes())
                .as("no encode can read an MP4 whose index comes last before that index arrived")
                .isFalse();
        assertWhole(encoded.result(), source);
    }

    @Test
    void givenAFastStartMp4LongEnoughForChunks_whenTranscoded_thenTheChunksWaitForTheWholeFileTheySeekInto()
            throws Exception {
        Path source = SampleMedia.mp4(dir, "chunked.mp4", 6, "320x240");
        chunkThresholdSeconds = 2;
        segmentSeconds = 1;

        var encoded = transcodeWhileWithholding(source, Duration.ofSeconds(3));

        assertThat(encoded.ffmpegBeforeLastBytes()).isFalse();
        assertWhole(encoded.result(), source);
    }

    @Test
    void givenAFastStartMp4WhoseChunksTheClusterEncodes_whenTranscoded_thenItsAudioIsEncodedWhileItArrives()
            throws Exception {
        Path source = SampleMedia.mp4(dir, "cluster.mp4", 6, "320x240");
        chunkThresholdSeconds = 2;
        segmentSeconds = 1;
        var chunksBeforeLastBytes = new AtomicBoolean();
        var encoder = new ChunkEncoder(TestMedia.binaries());
        chunkRunner = (input, sha256, work, jobs, progress) -> {
            chunksBeforeLastBytes.set(!lastBytesSent.get());
            for (var job : jobs) {
                encoder.encode(job, input, work, fraction -> progress.chunk(job.index(), fraction));
            }
        };

        var encoded = transcodeWhileWithholding(source);

        assertThat(chunksBeforeLastBytes)
                .as("a chunk started before the file was whole")
                .isFalse();
        assertThat(encoded.ffmpegBeforeLastBytes())
                .as("an ffmpeg, the audio's then, ran while the last bytes were held back")
                .isTrue();
        assertWhole(encoded.result(), source);
    }

    @Test
    void givenAnMpegTs_whenTranscoded_thenTheEncodeWaitsForTheWholeFileWhoseEndHoldsItsDuration() throws Exception {
        Path source = TestMedia.video()
                .seconds(6)
                .size("320x240")
                .withAudio()
                .format("mpegts")
                .writeTo(dir.resolve("stream.ts"));

        var encoded = transcodeWhileWithholding(source, Duration.ofSeconds(3));

        assertThat(encoded.ffmpegBeforeLastBytes()).isFalse();
        assertWhole(encoded.result(), source);
    }

    @Test
    void givenADownloadThatBreaksOffMidway_whenTranscodedWhileArriving_thenTheFetchFailureIsTheError()
            throws Exception {
        Path source = SampleMedia.mp4(dir, "broken.mp4", 6, "320x240");
        long length = Files.size(source);
        serve(exchange -> {
            exchange.sendResponseHeaders(200, length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(Files.readAllBytes(source), 0, (int) (length * 3 / 4));
                out.flush();
                awaitRelease();
            }
            // closing the exchange before the announced length was sent drops the connection
        });
        Thread encoding = releaseWhenEncoding(Duration.ofSeconds(30));

        MediaException failure = catchThrowableOfType(
                MediaException.class, () -> transcode(source.getFileName().toString()));

        encoding.join();
        assertThat(failure.code()).isEqualTo(FetchException.SOURCE_UNAVAILABLE);
        assertThat(failure.retriable()).isTrue();
        assertThat(failure.getMessage()).contains("127.0.0.1").doesNotContain("ffmpeg");
    }

    @Test
    void givenAFastStartMp4CutShortAtItsSource_whenTranscodedWhileArriving_thenItIsRefusedAsTruncated()
            throws Exception {
        Path source = SampleMedia.mp4(dir, "cut.mp4", 6, "320x240");
        byte[] kept = Arrays.copyOf(Files.readAllBytes(source), (int) (Files.size(source) * 3 / 5));
        serve(exchange -> {
            exchange.sendResponseHeaders(200, kept.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(kept);
            }
        });

        MediaException failure = catchThrowableOfType(
                MediaException.class, () -> transcode(source.getFileName().toString()));

        assertThat(failure.code()).isEqualTo("truncated");
        assertThat(failure.retriable()).isFalse();
    }

    private record Transcoded(PipelineResult result, boolean ffmpegBeforeLastBytes) {}

    private Transcoded transcodeWhileWithholding(Path source) throws Exception {
        return transcodeWhileWithholding(source, WITHHELD_AT_MOST);
    }

    /**
     * Serves {@code source} with all but its last quarter sent at once; the rest follows when an ffmpeg encode of it
     * runs, or after {@code holdAtMost}.
     */
    private Transcoded transcodeWhileWithholding(Path source, Duration holdAtMost) throws Exception {
        byte[] bytes = Files.readAllBytes(source);
        int early = bytes.length * 3 / 4;
        serve(exchange -> {
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes, 0, early);
                out.flush();
                awaitRelease();
                lastBytesSent.set(true);
                out.write(bytes, early, bytes.length - early);
            }
        });
        var seen = new AtomicBoolean();
        Thread watcher = Thread.ofPlatform().start(() -> {
            seen.set(awaitEncode(holdAtMost));
            release.countDown();
        });
        PipelineResult result = transcode(source.getFileName().toString());
        watcher.join();
        return new Transcoded(result, seen.get());
    }

    private Thread releaseWhenEncoding(Duration atMost) {
        return Thread.ofPlatform().start(() -> {
            awaitEncode(atMost);
            release.countDown();
        });
    }

    /** Whether an ffmpeg encoding this test's source ran before the last bytes were sent, within {@code atMost}. */
    private boolean awaitEncode(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            if (!FfmpegProcesses.naming(dir.getFileName() + "/source").isEmpty()) {
                return !lastBytesSent.get();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return false;
            }
        }
        return false;
    }

    private void awaitRelease() throws IOException {
        try {
            release.await(WITHHELD_AT_MOST.toSeconds() * 2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    private PipelineResult transcode(String name) throws Exception {
        var fetcher = new SourceFetcher(new FetchConfig(
                true,
                FetchConfig.DEFAULT_MAX_BYTES,
                Duration.ofSeconds(5),
                WITHHELD_AT_MOST.multipliedBy(3),
                5,
                List.of(),
                List.of()));
        String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/" + name;
        try (var arriving = ArrivingSource.start(fetcher, url, dir.resolve("source"))) {
            var request = PipelineRequest.builder(dir.resolve("source"), dir.resolve("out"))
                    .preset("ultrafast")
                    .segmentSeconds(segmentSeconds)
                    .chunking(chunkThresholdSeconds, 2)
                    .arriving(arriving)
                    .build();
            return new MediaPipeline(TestMedia.binaries()).run(request, p -> {}, SegmentListener.NONE, chunkRunner);
        }
    }

    private interface Answer {
        void answer(com.sun.net.httpserver.HttpExchange exchange) throws IOException;
    }

    private void serve(Answer answer) throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/", exchange -> {
            try (exchange) {
                answer.answer(exchange);
            }
        });
        http.start();
    }

    private static void assertWhole(PipelineResult result, Path source) throws Exception {
        assertThat(result.inputSize()).isEqualTo(Files.size(source));
        assertThat(result.sha256()).isEqualTo(sha256(source));
        assertThat(result.inputSpec().duration()).isBetween(5.9, 6.1);
        assertThat(result.renditions()).isNotEmpty();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
