package dev.spool.asset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.ApiClient;
import dev.spool.testing.SpoolProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2 GiB upload into a server whose heap is 256 MiB: it completes only if the body is streamed to storage, never
 * held whole. The server is a process of its own ({@code spool serve}, SQLite, no workers: the upload is what is
 * measured, the bytes are no video). The database plays no part in moving the bytes, so one store is enough.
 */
@Tag("process")
class LargeUploadTest {
    private static final long SIZE = 2L << 30;
    private static final String ADMIN_KEY = "large-upload-admin-key-0123456789abcdef";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    SpoolProcess server;

    @BeforeEach
    void startServerWithASmallHeap() {
        server = SpoolProcess.start(
                dir, Map.of("SPOOL_ADMIN_API_KEY", ADMIN_KEY), "-Xmx256m", "-XX:+ExitOnOutOfMemoryError");
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Timeout(240)
    void givenAServerWith256MiBOfHeap_whenA2GiBFileIsPut_thenTheUploadCompletesAndEveryByteIsStored() throws Exception {
        var admin = new ApiClient(server.baseUrl(), ADMIN_KEY);
        var requested = admin.post("/api/asset/request-upload", Map.of("name", "two gibibytes"))
                .json();
        String assetId = requested.path("asset").path("id").asText();
        String playbackId = requested.path("asset").path("playbackId").asText();

        var sent = MessageDigest.getInstance("SHA-256");
        // Raw HTTP: the body is 2 GiB of streamed bytes, which the JSON test client does not send.
        var put = HTTP.send(
                HttpRequest.newBuilder(URI.create(requested.path("url").asText()))
                        .PUT(HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(
                                        () -> new DigestInputStream(new GeneratedBytes(SIZE), sent)),
                                SIZE))
                        .timeout(Duration.ofSeconds(100))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(put.statusCode())
                .as(put.body() + "\nserver log: " + Files.readString(server.log()))
                .isEqualTo(200);
        assertThat(server.isAlive()).isTrue();
        var asset = admin.get("/api/asset/" + assetId).json();
        assertThat(asset.path("status").path("phase").asText()).isEqualTo("waiting");
        var task = admin.get("/api/task/" + requested.path("task").path("id").asText())
                .json();
        assertThat(task.path("status").path("phase").asText()).isEqualTo("waiting");
        Path stored = server.dataDir().resolve("objects").resolve(playbackId).resolve("video");
        assertThat(Files.size(stored)).isEqualTo(SIZE);
        assertThat(sha256(stored))
                .as("SHA-256 of the stored object")
                .isEqualTo(HexFormat.of().formatHex(sent.digest()));
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        var digest = MessageDigest.getInstance("SHA-256");
        try (var in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
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
