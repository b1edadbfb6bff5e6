package dev.spool.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.media.SampleMedia;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.FileServer;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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

/**
 * Uploads encrypted with {@code openssl} as Livepeer's clients do (AES-CBC, IV first, the AES key RSA-OAEP-SHA-256
 * encrypted to Spool's public key), on both stores: direct, tus and URL imports reach ready with renditions as long
 * as the plaintext, the encrypted original is the source, and a wrong key fails at once, unretried.
 */
@BothStores
class EncryptedUploadTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration PROCESSING = Duration.ofSeconds(120);
    private static Path dir;
    private static Path plain;
    private static double plainDuration;
    private static FileServer files;

    @RegisterExtension
    static final SharedServers servers = new SharedServers(
            Map.of("SPOOL_WORKERS", "1", "SPOOL_X264_PRESET", "ultrafast", "SPOOL_IMPORT_ALLOW_PRIVATE", "true"));

    @Parameter
    Store store;

    TestServer server;
    ApiClient owner;
    JsonNode signingKey;

    @BeforeAll
    static void generateMedia(@TempDir Path temp) {
        dir = temp;
        plain = SampleMedia.mp4(dir, "plain.mp4", 3, "320x240");
        plainDuration = SampleMedia.probe(plain.toString())
                .path("format")
                .path("duration")
                .asDouble();
        files = FileServer.start();
    }

    @AfterAll
    static void stopFiles() {
        files.close();
    }

    @BeforeEach
    void connect() {
        server = servers.on(store);
        owner = server.client(server.createUserKey("sealed-" + UUID.randomUUID() + "@example.com")
                .key());
        signingKey = owner.post("/api/access-control/signing-key", Map.of("name", "player"))
                .json();
    }

    /** The plaintext encrypted with a fresh AES-256 key by openssl, and that key wrapped to the given public key. */
    record Sealed(Path file, String encryptedKey) {}

    private Sealed seal(String spkiBase64) throws Exception {
        byte[] aes = new byte[32];
        byte[] iv = new byte[16];
        new SecureRandom().nextBytes(aes);
        new SecureRandom().nextBytes(iv);
        Path body = dir.resolve(UUID.randomUUID() + ".enc");
        openssl(
                "enc",
                "-aes-256-cbc",
                "-K",
                HexFormat.of().formatHex(aes),
                "-iv",
                HexFormat.of().formatHex(iv),
                "-in",
                plain.toString(),
                "-out",
                body.toString());
        Path file = dir.resolve(UUID.randomUUID() + ".bin");
        Files.write(file, iv);
        Files.write(file, Files.readAllBytes(body), java.nio.file.StandardOpenOption.APPEND);
        Path pem = dir.resolve(UUID.randomUUID() + ".pem");
        Files.writeString(
                pem,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(Base64.getDecoder().decode(spkiBase64))
                        + "\n-----END PUBLIC KEY-----\n");
        Path key = dir.resolve(UUID.randomUUID() + ".key");
        Path wrapped = dir.resolve(UUID.randomUUID() + ".wrapped");
        Files.write(key, aes);
        openssl(
                "pkeyutl",
                "-encrypt",
                "-pubin",
                "-inkey",
                pem.toString(),
                "-pkeyopt",
                "rsa_padding_mode:oaep",
                "-pkeyopt",
                "rsa_oaep_md:sha256",
                "-pkeyopt",
                "rsa_mgf1_md:sha256",
                "-in",
                key.toString(),
                "-out",
                wrapped.toString());
        return new Sealed(file, Base64.getEncoder().encodeToString(Files.readAllBytes(wrapped)));
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(command + ": " + out).isZero();
    }

    private String spki() {
        var response = server.anonymous().get("/api/access-control/public-key");
        assertThat(response.status()).isEqualTo(200);
        return response.json().path("spki_public_key").asText();
    }

    private Map<String, Object> payload(String encryptedKey) {
        return Map.of(
                "name",
                "sealed",
                "playbackPolicy",
                Map.of("type", "jwt"),
                "encryption",
                Map.of("encryptedKey", encryptedKey));
    }

    private JsonNode finished(JsonNode created) {
        String taskId = created.path("task").path("id").asText();
        return Await.until(
                () -> owner.get("/api/task/" + taskId).json(),
                t -> List.of("completed", "failed")
                        .contains(t.path("status").path("phase").asText()),
                PROCESSING,
                "the upload task to finish");
    }

    private void assertReadyLikeThePlaintext(JsonNode created, Sealed sealed) throws Exception {
        var task = finished(created);
        assertThat(task.path("status").path("phase").asText())
                .as(task.toString())
                .isEqualTo("completed");
        var asset = owner.get("/api/asset/" + created.path("asset").path("id").asText())
                .json();
        assertThat(asset.path("status").path("phase").asText()).isEqualTo("ready");
        assertThat(asset.path("source").path("encryption").path("encryptedKey").asText())
                .isEqualTo("***");
        String token = PlaybackTokens.mint(signingKey, asset.path("playbackId").asText(), Duration.ofMinutes(5));
        var master = SampleMedia.probe(asset.path("playbackUrl").asText() + "?jwt=" + token);
        assertThat(master.path("format").path("duration").asDouble()).isCloseTo(plainDuration, within(0.1));
        var source = HTTP.send(
                HttpRequest.newBuilder(URI.create(asset.path("downloadUrl").asText() + "?jwt=" + token))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(source.statusCode()).isEqualTo(200);
        assertThat(source.body()).isEqualTo(Files.readAllBytes(sealed.file()));
    }

    @Test
    void givenAnOpensslEncryptedFile_whenPutDirectly_thenTheAssetIsReadyAndKeepsTheEncryptedOriginal()
            throws Exception {
        var sealed = seal(spki());
        var created = owner.post("/api/asset/request-upload", payload(sealed.encryptedKey()));
        assertThat(created.status()).as(created.body()).isEqualTo(200);

        var put = HTTP.send(
                HttpRequest.newBuilder(URI.create(created.json().path("url").asText()))
                        .PUT(HttpRequest.BodyPublishers.ofFile(sealed.file()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertReadyLikeThePlaintext(created.json(), sealed);
        var opened = owner.patch(
                "/api/asset/" + created.json().path("asset").path("id").asText(),
                Map.of("playbackPolicy", Map.of("type", "public")));
        assertThat(opened.status()).isEqualTo(422);
        assertThat(opened.body()).contains("uploaded encrypted");
    }

    @Test
    void givenAnOpensslEncryptedFile_whenSentWithTus_thenTheAssetIsReady() throws Exception {
        var sealed = seal(spki());
        var created = owner.post("/api/asset/request-upload", payload(sealed.encryptedKey()))
                .json();
        byte[] bytes = Files.readAllBytes(sealed.file());

        var upload = HTTP.send(
                HttpRequest.newBuilder(URI.create(created.path("tusEndpoint").asText()))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .header("Tus-Resumable", "1.0.0")
                        .header("Upload-Length", Integer.toString(bytes.length))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        var patch = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                upload.headers().firstValue("Location").orElseThrow()))
                        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(bytes))
                        .header("Tus-Resumable", "1.0.0")
                        .header("Upload-Offset", "0")
                        .header("Content-Type", "application/offset+octet-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(patch.statusCode()).as(patch.body()).isEqualTo(204);
        assertReadyLikeThePlaintext(created, sealed);
    }

    @Test
    void givenAnOpensslEncryptedFileAtAUrl_whenImported_thenTheAssetIsReady() throws Exception {
        var sealed = seal(spki());
        String path = "/" + UUID.randomUUID() + ".bin";
        files.file(path, sealed.file());
        var body = new java.util.HashMap<>(payload(sealed.encryptedKey()));
        body.put("url", files.url(path));

        var created = owner.post("/api/asset/upload/url", body);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertReadyLikeThePlaintext(created.json(), sealed);
    }

    @Test
    void givenAKeyForAnotherFileOrNotForThisServer_thenTheTaskFailsAtOnceSayingWhy() throws Exception {
        var sealed = seal(spki());
        var other = seal(spki());
        var wrongKey = owner.post("/api/asset/request-upload", payload(other.encryptedKey()))
                .json();
        HTTP.send(
                HttpRequest.newBuilder(URI.create(wrongKey.path("url").asText()))
                        .PUT(HttpRequest.BodyPublishers.ofFile(sealed.file()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        var notOurs = owner.post(
                        "/api/asset/request-upload", payload(Base64.getEncoder().encodeToString(new byte[256])))
                .json();
        HTTP.send(
                HttpRequest.newBuilder(URI.create(notOurs.path("url").asText()))
                        .PUT(HttpRequest.BodyPublishers.ofFile(sealed.file()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        var failed = finished(wrongKey);
        var refused = finished(notOurs);

        assertThat(failed.path("status").path("phase").asText()).isEqualTo("failed");
        // CBC has no integrity check: about one wrong key in 256 happens to end in valid padding, and the garbage
        // it decrypts to is then refused as no media file. Either way the task fails at once, saying why.
        assertThat(failed.path("status").path("errorMessage").asText())
                .satisfiesAnyOf(
                        message -> assertThat(message).startsWith("decryption failed: bad padding"),
                        message -> assertThat(message).startsWith("source is not a media file that can be read"));
        assertThat(failed.path("status").path("retries").asInt(0)).isZero();
        assertThat(refused.path("status").path("errorMessage").asText())
                .startsWith("decryption failed: the encryptedKey was not encrypted with this server's public key");
    }

    @Test
    void givenEncryptionWithoutAProtectingPolicyOrWithBadBase64_thenTheAssetIsRefused() {
        var publicOne = owner.post(
                "/api/asset/request-upload", Map.of("name", "x", "encryption", Map.of("encryptedKey", "AAAA")));
        var badBase64 = owner.post("/api/asset/request-upload", payload("not base64!"));

        assertThat(publicOne.status()).isEqualTo(422);
        assertThat(publicOne.body()).contains("needs a jwt or webhook playback policy");
        assertThat(badBase64.status()).isEqualTo(422);
        assertThat(badBase64.body()).contains("encryption.encryptedKey: must be valid base64");
    }
}
