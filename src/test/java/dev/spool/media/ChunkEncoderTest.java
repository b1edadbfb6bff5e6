package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        assertThat(SampleMedia.probe(dir.resolve("out/chunk.ts").toString())
                        .path("format")
                        .path("duration")
                        .asDouble())
                .isCloseTo(SECONDS, within(0.1));
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

    /** Chunk 0: the source's video, encoded whole into one MPEG-TS file. */
    private static ChunkRunner.Job job() {
        return new ChunkRunner.Job(
                0,
                List.of(
                        "-v",
                        "error",
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
