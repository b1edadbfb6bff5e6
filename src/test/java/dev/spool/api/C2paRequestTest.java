package dev.spool.api;

import dev.spool.testing.ApiClient;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A request for C2PA provenance on outputs Spool cannot sign is refused at creation, on every route that takes it. */
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
        user = server.client(server.createUserKey(UUID.randomUUID() + "@example.com").key());
    }

    @Test
    void givenC2paTrue_whenAnAssetIsImportedFromAUrl_thenItIsRefusedAndNothingIsCreated() {
        var response = user.post("/api/asset/upload/url", """
                {"name": "signed", "url": "https://cdn.example.com/in.mp4", "c2pa": true}""");

        assertRefused(response);
        assertNothingCreated();
    }

    @Test
    void givenC2paTrue_whenADirectUploadIsRequested_thenItIsRefusedAndNothingIsCreated() {
        var response = user.post("/api/asset/request-upload", """
                {"name": "signed", "c2pa": true}""");

        assertRefused(response);
        assertNothingCreated();
    }

    @Test
    void givenC2paTrue_whenATranscodeIsPosted_thenItIsRefusedAndNothingIsCreated() {
        var response = user.post("/api/transcode", """
                {"input": {"url": "https://cdn.example.com/in.mp4"}, "storage": %s,
                 "outputs": {"mp4": {"path": "/mp4"}}, "c2pa": true}""".formatted(STORAGE));

        assertRefused(response);
        assertNothingCreated();
    }

    @Test
    void givenC2paTrue_whenAnAdminCreatesAnUploadOrTranscodeTask_thenBothAreRefused() {
        var admin = server.admin();

        assertRefused(admin.post("/api/task", """
                {"type": "upload", "params": {"upload": {"url": "https://cdn.example.com/in.mp4", "c2pa": true}}}"""));
        assertRefused(admin.post("/api/task", """
                {"type": "transcode-file", "params": {"transcode-file": {
                  "input": {"url": "https://cdn.example.com/in.mp4"}, "storage": {"url": "s3+https://k:s@s3.example.com/out"},
                  "outputs": {"mp4": {"path": "/mp4"}}, "c2pa": true}}}"""));
    }

    @Test
    void givenC2paFalse_whenAnAssetIsImportedFromAUrl_thenItIsAccepted() {
        var response = user.post("/api/asset/upload/url", """
                {"name": "unsigned", "url": "https://cdn.example.com/in.mp4", "c2pa": false}""");

        assertThat(response.status()).as(response.body()).isEqualTo(201);
    }

    private static void assertRefused(ApiClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.json().path("errors").path(0).asText())
                .startsWith("c2pa: ")
                .contains("does not sign");
    }

    private void assertNothingCreated() {
        assertThat(user.get("/api/asset").json()).isEmpty();
        assertThat(user.get("/api/task").json()).isEmpty();
    }
}
