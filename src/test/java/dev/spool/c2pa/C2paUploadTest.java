package dev.spool.c2pa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.media.SampleMedia;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.FileServer;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** An upload with {@code c2pa: true} publishes MP4s the C2PA reference reader validates; without it, nothing changes. */
@BothStores
class C2paUploadTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final SharedServers servers = new SharedServers(Map.of(
            "SPOOL_WORKERS", "1",
            "SPOOL_IMPORT_ALLOW_PRIVATE", "true",
            "SPOOL_X264_PRESET", "ultrafast"));

    static FileServer files;
    static Path video;

    @Parameter
    Store store;

    TestServer server;
    ApiClient user;

    @BeforeAll
    static void serveMedia(@TempDir Path dir) {
        video = SampleMedia.mp4(dir, "video.mp4", 3, "320x240");
        files = FileServer.start().file("/video.mp4", video);
    }

    @AfterAll
    static void stopServingMedia() {
        files.close();
    }

    @BeforeEach
    void connect() {
        server = servers.on(store);
        user = server.client(
                server.createUserKey(UUID.randomUUID() + "@example.com").key());
    }

    @Test
    void givenC2paTrue_whenAVideoIsImported_thenEveryMp4CarriesAManifestTheReferenceReaderValidates() throws Exception {
        var task = importVideo(true, "creator-7");

        var mp4s = mp4Files(task);
        assertThat(mp4s).as(task.toString()).isNotEmpty();
        for (var file : mp4s) {
            byte[] bytes = download(task, file.path("path").asText());
            assertThat((long) bytes.length)
                    .as("the size the asset reports")
                    .isEqualTo(file.path("size").asLong());
            Path signed = Files.write(Files.createTempFile("signed", ".mp4"), bytes);
            JsonNode store = ReferenceReader.read(signed, "video/mp4");
            var manifest =
                    store.path("manifests").path(store.path("active_manifest").asText());
            assertThat(store.path("validation_state").asText())
                    .as(store.toString())
                    .isEqualTo("Valid");
            assertThat(store.path("validation_status").findValuesAsText("code"))
                    .containsExactly("signingCredential.untrusted");
            assertThat(manifest.path("assertions").findValuesAsText("action")).containsExactly("c2pa.transcoded");
            assertThat(manifest.path("assertions")
                            .findValuesAsText("softwareAgent")
                            .getFirst())
                    .startsWith("Spool ");
            assertThat(manifest.path("ingredients").path(0).path("relationship").asText())
                    .isEqualTo("parentOf");
            assertThat(manifest.path("ingredients").path(0).path("instance_id").asText())
                    .isEqualTo("sha256:" + sha256(Files.readAllBytes(video)));
            assertThat(manifest.path("assertions").findValuesAsText("name")).contains("creator-7");
            Files.delete(signed);
        }
    }

    @Test
    void givenC2paFalse_whenAVideoIsImported_thenItsMp4sAreTheSignedOnesWithoutTheManifestBox() throws Exception {
        var unsigned = importVideo(false, null);
        var signed = importVideo(true, null);

        var unsignedFiles = mp4Files(unsigned);
        assertThat(unsignedFiles).isNotEmpty();
        assertThat(unsignedFiles)
                .extracting(f -> f.path("path").asText())
                .containsExactlyElementsOf(mp4Files(signed).stream()
                        .map(f -> f.path("path").asText())
                        .toList());
        for (var file : unsignedFiles) {
            String path = file.path("path").asText();
            byte[] plain = download(unsigned, path);
            byte[] withManifest = download(signed, path);
            assertThat(withManifest.length).isGreaterThan(plain.length);
            assertThat(sha256(Arrays.copyOf(withManifest, plain.length)))
                    .as(path)
                    .isEqualTo(sha256(plain));
            byte[] appended = Arrays.copyOfRange(withManifest, plain.length + 8, plain.length + 24);
            assertThat(appended).as("what follows is the C2PA uuid box").isEqualTo(BmffHash.C2PA_UUID);
        }
    }

    /** The finished task as an admin sees it: with the output's file list and paths. */
    private JsonNode importVideo(boolean c2pa, String creator) {
        var body = new java.util.LinkedHashMap<String, Object>(
                Map.of("name", "signed", "url", files.url("/video.mp4"), "c2pa", c2pa));
        if (creator != null) {
            body.put("creatorId", creator);
        }
        var created = user.post("/api/asset/upload/url", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String taskId = created.json().path("task").path("id").asText();
        var admin = server.admin();
        var task = Await.until(
                () -> admin.get("/api/task/" + taskId).json(),
                t -> List.of("completed", "failed", "cancelled")
                        .contains(t.path("status").path("phase").asText()),
                Duration.ofSeconds(120),
                "the import to finish");
        assertThat(task.path("status").path("phase").asText())
                .as(task.toString())
                .isEqualTo("completed");
        return task;
    }

    private static List<JsonNode> mp4Files(JsonNode task) {
        var mp4s = new ArrayList<JsonNode>();
        task.path("output").path("upload").path("assetSpec").path("files").forEach(file -> {
            if (file.path("type").asText().equals("static_transcoded_mp4")) {
                mp4s.add(file);
            }
        });
        return mp4s;
    }

    private byte[] download(JsonNode task, String path) throws Exception {
        String playbackId = task.path("output")
                .path("upload")
                .path("videoFilePath")
                .asText()
                .split("/")[0];
        var response = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/asset/" + playbackId + "/" + path))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
