package dev.spool.asset;

import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 2 GiB upload into a server whose heap is 256 MiB: it completes only if the body is streamed to storage, never
 * held whole. The server is a process of its own ({@code spool serve}, SQLite, no workers: the upload is what is
 * measured, the bytes are no video). The database plays no part in moving the bytes, so one store is enough.
 */
class LargeUploadTest {
    private static final long SIZE = 2L << 30;
    private static final String ADMIN_KEY = "large-upload-admin-key-0123456789abcdef";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    Process server;
    Path log;
    String baseUrl;

    @BeforeEach
    void startServerWithASmallHeap() throws Exception {
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        baseUrl = "http://127.0.0.1:" + port;
        log = dir.resolve("server.log");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        var builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp", classpath, "dev.spool.cli.Main", "serve")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(Map.of(
                "SPOOL_PORT", Integer.toString(port),
                "SPOOL_DATA_DIR", dir.resolve("data").toString(),
                "SPOOL_PUBLIC_URL", baseUrl,
                "SPOOL_WORKERS", "0",
                "SPOOL_ADMIN_API_KEY", ADMIN_KEY));
        builder.environment().remove("SPOOL_DATABASE_URL");
        builder.environment().remove("SPOOL_STORAGE_URL");
        server = builder.start();
        Await.until(this::healthy, up -> up, Duration.ofSeconds(60), "the server to answer /healthz (log: " + log + ")");
    }

    @AfterEach
    void stopServer() throws Exception {
        server.destroy();
        if (!server.waitFor(20, TimeUnit.SECONDS)) {
            server.destroyForcibly();
        }
    }

    @Test
    @Timeout(120)
    void givenAServerWith256MiBOfHeap_whenA2GiBFileIsPut_thenTheUploadCompletesAndEveryByteIsStored()
            throws Exception {
        var admin = new ApiClient(baseUrl, ADMIN_KEY);
        var requested = admin.post("/api/asset/request-upload", Map.of("name", "two gibibytes")).json();
        String assetId = requested.path("asset").path("id").asText();
        String playbackId = requested.path("asset").path("playbackId").asText();

        var put = HTTP.send(HttpRequest.newBuilder(URI.create(requested.path("url").asText()))
                        .PUT(HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedBytes(SIZE)), SIZE))
                        .timeout(Duration.ofSeconds(100))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(put.statusCode()).as(put.body() + "\nserver log: " + Files.readString(log)).isEqualTo(200);
        assertThat(server.isAlive()).isTrue();
        var asset = admin.get("/api/asset/" + assetId).json();
        assertThat(asset.path("status").path("phase").asText()).isEqualTo("waiting");
        var task = admin.get("/api/task/" + requested.path("task").path("id").asText()).json();
        assertThat(task.path("status").path("phase").asText()).isEqualTo("waiting");
        assertThat(Files.size(dir.resolve("data").resolve("objects").resolve(playbackId).resolve("video")))
                .isEqualTo(SIZE);
    }

    private boolean healthy() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/healthz")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            assertThat(server.isAlive()).as("the server process is running").isTrue();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code size} bytes of a repeating pattern, made as they are read. */
    private static final class GeneratedBytes extends InputStream {
        private final long size;
        private long position;

        GeneratedBytes(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return position < size ? (int) (position++ & 0xff) : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(length, size - position);
            for (int i = 0; i < n; i++) {
                buffer[offset + i] = (byte) (position + i);
            }
            position += n;
            return n;
        }
    }
}
