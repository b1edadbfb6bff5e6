package dev.spool.asset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.ApiClient;
import dev.spool.testing.SpoolProcess;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tus upload survives its server being killed (SIGKILL, no graceful stop): the bytes acknowledged before the kill
 * are kept, the client resumes from the offset the restarted server reports, and the stored object is the file, byte
 * for byte. The server is a process of its own; the partial bytes live in its data directory, so one store is enough.
 */
@Tag("process")
class TusResumeAfterKillTest {
    private static final String ADMIN_KEY = "tus-kill-admin-key-0123456789abcdef";
    private static final int SIZE = 3 << 20;

    @TempDir
    Path dir;

    SpoolProcess server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void givenATusUploadHalfDone_whenTheServerIsKilledAndStartsAgain_thenItResumesAndEveryByteIsStored()
            throws Exception {
        byte[] bytes = new byte[SIZE];
        new Random(42).nextBytes(bytes);
        Path file = Files.write(dir.resolve("upload.bin"), bytes);
        server = SpoolProcess.start(dir, Map.of("SPOOL_ADMIN_API_KEY", ADMIN_KEY));
        var admin = new ApiClient(server.baseUrl(), ADMIN_KEY);
        var requested = admin.post("/api/asset/request-upload", Map.of("name", "killed mid-upload"))
                .json();
        var client = new TusClient();
        client.setUploadCreationURL(
                URI.create(requested.path("tusEndpoint").asText()).toURL());
        client.enableResuming(new TusURLMemoryStore());
        var uploader = client.resumeOrCreateUpload(tusUpload(file));
        uploader.setChunkSize(64 * 1024);
        uploader.setRequestPayloadSize(256 * 1024);
        while (uploader.getOffset() < SIZE / 2 && uploader.uploadChunk() > -1) {
            // The first half, chunk after chunk, each acknowledged by the server.
        }
        uploader.finish();
        long acknowledged = uploader.getOffset();
        assertThat(acknowledged).isBetween((long) SIZE / 2, (long) SIZE - 1);

        server.kill();
        server.restart();

        var resumed = client.resumeUpload(tusUpload(file));
        assertThat(resumed.getOffset()).as("the offset after the restart").isEqualTo(acknowledged);
        while (resumed.uploadChunk() > -1) {
            // The rest.
        }
        resumed.finish();
        assertThat(resumed.getOffset()).isEqualTo(SIZE);
        String playbackId = requested.path("asset").path("playbackId").asText();
        Path stored = server.dataDir().resolve("objects").resolve(playbackId).resolve("video");
        assertThat(sha256(Files.readAllBytes(stored)))
                .as("SHA-256 of the stored object")
                .isEqualTo(sha256(bytes));
    }

    private static TusUpload tusUpload(Path file) throws IOException {
        var upload = new TusUpload(file.toFile());
        upload.setMetadata(Map.of("filename", "upload.bin", "filetype", "application/octet-stream"));
        return upload;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
