package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A chunk encoded from a signed URL: a read that breaks off and cannot be resumed, which ffmpeg itself would take for
 * the end of the file, fails the chunk to be retried; and no message names the URL, whose query is a credential.
 */
@Tag("media")
class ChunkEncoderTest {
    private static final int SECONDS = 6;

    @TempDir
    Path dir;

    /** MP4 with its index first and Matroska: ffmpeg decodes either from the first answer until it breaks off. */
    @ParameterizedTest
    @ValueSource(strings = {"mp4", "mkv"})
    void givenASourceWhoseReadBreaksOffForGood_whenAChunkIsEncodedFromItsUrl_thenItFailsToBeRetriedNotShort(
            String container) throws Exception {
        Path source = container.equals("mp4")
                ? faststartSource()
                : TestMedia.ffmpeg(
                        dir.resolve("source." + container),
                        List.of("-i", faststartSource().toString(), "-c", "copy"));
        byte[] bytes = Files.readAllBytes(source);
        var requests = new AtomicInteger();

        var failure = encodeFrom(exchange -> {
            if (requests.incrementAndGet() > 1) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().add("Accept-Ranges", "bytes");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes, 0, bytes.length / 2);
            exchange.getResponseBody().flush();
            throw new IOException("the connection drops halfway");
        });

        assertThat(failure).as("the chunk is not taken as done").isNotNull();
        assertThat(failure.code()).isEqualTo("source_read_failed");
        assertThat(failure.retriable()).isTrue();
        assertThat(failure.getMessage()).contains("chunk 0").doesNotContain("X-Amz-Signature", "127.0.0.1");
        assertThat(requests.get()).as("a resumed read was tried").isGreaterThan(1);
    }

    /**
     * MPEG-TS: its demuxer takes a read that broke off for the end of the file and says nothing; the chunk's frames,
     * fewer than its length holds, tell it apart from a chunk whose read was resumed.
     */
    @Test
    void givenAnMpegTsSourceWhoseReadBreaksOffForGood_whenAChunkIsEncodedFromItsUrl_thenItFailsToBeRetriedNotShort()
            throws Exception {
        var source = new BreakingSource(Files.readAllBytes(mpegTsSource()), false);

        var failure = encodeFrom(source);

        assertThat(source.broke()).as("the decoding read was cut off").isTrue();
        assertThat(failure).as("the chunk is not taken as done").isNotNull();
        assertThat(failure.code()).isEqualTo("source_read_failed");
        assertThat(failure.retriable()).isTrue();
        assertThat(failure.getMessage())
                .contains("chunk 0", "frames encoded of the " + SECONDS * 25)
                .doesNotContain("X-Amz-Signature", "127.0.0.1");
    }

    @Test
    void givenAnMpegTsSourceWhoseReadBreaksOffOnce_whenTheReadIsResumed_thenTheChunkIsWhole() throws Exception {
        var source = new BreakingSource(Files.readAllBytes(mpegTsSource()), true);

        var failure = encodeFrom(source);

        assertThat(source.broke()).as("the decoding read was cut off").isTrue();
        assertThat(failure).as("the chunk encodes").isNull();
        assertThat(encodedSeconds()).isCloseTo(SECONDS, within(0.1));
    }

    @Test
    void givenASignedSourceUrlThatIsRefused_whenAChunkIsEncodedFromIt_thenTheErrorSaysSoWithoutTheUrl()
            throws Exception {
        var failure = encodeFrom(exchange -> exchange.sendResponseHeaders(403, -1));

        assertThat(failure).isNotNull();
        assertThat(failure.code()).isEqualTo("ffmpeg_failed");
        assertThat(failure.retriable()).isTrue();
        assertThat(failure.getMessage())
                .contains("403", "<the source>")
                .doesNotContain("X-Amz-Signature", "source.mp4");
    }

    @Test
    void givenAnHttpsSourceWhoseCertificateIsInTheBundle_whenAChunkIsEncoded_thenItIsRead() throws Exception {
        var tls = SelfSignedServer.create(dir);
        byte[] bytes = Files.readAllBytes(faststartSource());
        Path own = tls.writeCertificate(dir.resolve("own.pem"));

        var failure = encodeFrom(tls.server(), "https", serving(bytes), () -> own);

        assertThat(failure).as("the chunk encodes").isNull();
        assertThat(encodedSeconds()).isCloseTo(SECONDS, within(0.1));
    }

    @Test
    void givenAnHttpsSourceWhoseCertificateIsNotTrusted_whenAChunkIsEncoded_thenItIsRefused() throws Exception {
        var tls = SelfSignedServer.create(dir);
        byte[] bytes = Files.readAllBytes(faststartSource());

        var failure = encodeFrom(
                tls.server(), "https", serving(bytes), TrustedCertificates.writtenOnFirstUse(dir.resolve("jvm.pem")));

        assertThat(failure).as("an unknown certificate is refused").isNotNull();
        assertThat(failure.code()).isEqualTo("ffmpeg_failed");
        assertThat(failure.getMessage()).doesNotContain("X-Amz-Signature");
    }

    /** The MP4 with its index first, so that ffmpeg decodes it as it arrives. */
    private Path faststartSource() {
        Path plain = SampleMedia.mp4(dir, "plain.mp4", SECONDS, "640x360");
        return TestMedia.ffmpeg(
                dir.resolve("source.mp4"), List.of("-i", plain.toString(), "-c", "copy", "-movflags", "+faststart"));
    }

    private double encodedSeconds() {
        return SampleMedia.probe(dir.resolve("out/chunk.ts").toString())
                .path("format")
                .path("duration")
                .asDouble();
    }

    private Path mpegTsSource() {
        return TestMedia.ffmpeg(
                dir.resolve("source.ts"), List.of("-i", faststartSource().toString(), "-c", "copy", "-f", "mpegts"));
    }

    /**
     * Answers ranged reads of a file, as an object store does. The first read from the start after one of its second
     * half (ffmpeg's decoding pass, after its look for the duration at the end) breaks off halfway; the reads after
     * that are answered if {@code resumable}, else refused.
     */
    private static final class BreakingSource implements HttpHandler {
        private final byte[] bytes;
        private final boolean resumable;
        private final AtomicBoolean endRead = new AtomicBoolean();
        private final AtomicBoolean broke = new AtomicBoolean();

        BreakingSource(byte[] bytes, boolean resumable) {
            this.bytes = bytes;
            this.resumable = resumable;
        }

        boolean broke() {
            return broke.get();
        }

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            if (broke.get() && !resumable) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String range = exchange.getRequestHeaders().getFirst("Range");
            int start = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-.*", "$1"));
            int half = bytes.length / 2;
            boolean breaking = start == 0 && endRead.get() && !broke.get();
            if (start > half) {
                endRead.set(true);
            }
            exchange.getResponseHeaders().add("Accept-Ranges", "bytes");
            if (start > 0) {
                exchange.getResponseHeaders()
                        .add("Content-Range", "bytes " + start + "-" + (bytes.length - 1) + "/" + bytes.length);
            }
            exchange.sendResponseHeaders(start > 0 ? 206 : 200, bytes.length - start);
            if (breaking) {
                exchange.getResponseBody().write(bytes, 0, half);
                exchange.getResponseBody().flush();
                broke.set(true);
                throw new IOException("the connection drops halfway");
            }
            exchange.getResponseBody().write(bytes, start, bytes.length - start);
        }
    }

    private static HttpHandler serving(byte[] bytes) {
        return exchange -> {
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        };
    }

    /** Encodes {@link #job()} from a signed-looking URL that {@code source} answers; the failure, or null. */
    private MediaException encodeFrom(HttpHandler source) throws IOException {
        return encodeFrom(
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0),
                "http",
                source,
                TrustedCertificates.writtenOnFirstUse(dir.resolve("jvm.pem")));
    }

    private MediaException encodeFrom(HttpServer server, String scheme, HttpHandler source, Supplier<Path> trusted)
            throws IOException {
        server.createContext("/source.mp4", exchange -> {
            try (exchange) {
                source.handle(exchange);
            }
        });
        server.start();
        URI url = URI.create(
                scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/source.mp4?X-Amz-Signature=abc");
        Path out = Files.createDirectories(dir.resolve("out"));
        try {
            return catchThrowableOfType(
                    MediaException.class,
                    () -> new ChunkEncoder(TestMedia.binaries(), trusted).encode(job(), url, out, p -> {}));
        } finally {
            server.stop(0);
        }
    }

    /** Chunk 0: the source's video, encoded whole into one MPEG-TS file, its progress reported as a chunk's is. */
    private static ChunkRunner.Job job() {
        return new ChunkRunner.Job(
                0,
                List.of(
                        "-v",
                        "error",
                        "-progress",
                        "pipe:1",
                        "-i",
                        ChunkRunner.INPUT,
                        "-map",
                        "0:v",
                        "-c:v",
                        "libx264",
                        "-preset",
                        "ultrafast",
                        "-f",
                        "mpegts",
                        "chunk.ts"),
                List.of(),
                SECONDS,
                25,
                120);
    }
}
