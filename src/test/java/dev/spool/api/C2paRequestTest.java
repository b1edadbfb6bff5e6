package dev.spool.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.ApiClient;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/**
 * Spool signs static MP4s only: a request for C2PA provenance on outputs it cannot sign (a transcode's HLS or fMP4
 * outputs) is refused at creation, on every route that takes it; uploads and MP4-only transcodes are accepted.
 */
@BothStores
class C2paRequestTest {
    private static final String STORAGE = """
            {"type": "s3", "endpoint": "https://s3.example.com", "bucket": "out",
             "credentials": {"accessKeyId": "AKID0001", "secretAccessKey": "SECRET0002"}}""";

    @RegisterExtension
    static final SharedServers servers = new SharedServers();

    @Parameter
    Store store;

    TestServer server;
    ApiClient user;

    @BeforeEach
    void connect() {
        server = servers.on(store);
        user = server.client(
                server.createUserKey(UUID.randomUUID() + "@example.com").key());
    }

    @Test
    void givenC2paTrue_whenATranscodeAsksForHlsOrFmp4_thenItIsRefusedAndNothingIsCreated() {
        for (String outputs : new String[] {
            "{\"hls\": {\"path\": \"/hls\"}, \"mp4\": {\"path\": \"/mp4\"}}", "{\"fmp4\": {\"path\": \"/fmp4\"}}"
        }) {
            var response = user.post("/api/transcode", """
                    {"input": {"url": "https://cdn.example.com/in.mp4"}, "storage": %s,
                     "outputs": %s, "c2pa": true}""".formatted(STORAGE, outputs));

            assertRefused(response);
        }
        assertThat(user.get("/api/task").json()).isEmpty();
    }

    @Test
    void givenC2paTrue_whenAnAdminCreatesATranscodeTaskWithHls_thenItIsRefused() {
        assertRefused(server.admin().post("/api/task", """
                {"type": "transcode-file", "params": {"transcode-file": {
                  "input": {"url": "https://cdn.example.com/in.mp4"}, "storage": {"url": "s3+https://k:s@s3.example.com/out"},
                  "outputs": {"hls": {"path": "/hls"}}, "c2pa": true}}}"""));
    }

    @Test
    void givenC2paTrue_whenATranscodeAsksForMp4Alone_thenItIsQueued() {
        var response = user.post("/api/transcode", """
                {"input": {"url": "https://cdn.example.com/in.mp4"}, "storage": %s,
                 "outputs": {"mp4": {"path": "/mp4"}}, "c2pa": true}""".formatted(STORAGE));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json()
                        .path("params")
                        .path("transcode-file")
                        .path("c2pa")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void givenC2paTrue_whenAnAssetIsImportedOrADirectUploadRequested_thenBothAreAccepted() {
        var imported = user.post("/api/asset/upload/url", """
                {"name": "signed", "url": "https://cdn.example.com/in.mp4", "c2pa": true}""");
        var requested = user.post("/api/asset/request-upload", """
                {"name": "signed", "c2pa": true}""");

        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        assertThat(requested.status()).as(requested.body()).isEqualTo(200);
    }

    private static void assertRefused(ApiClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.json().path("errors").path(0).asText())
                .startsWith("c2pa: ")
                .contains("signs only static MP4 outputs");
    }
}
