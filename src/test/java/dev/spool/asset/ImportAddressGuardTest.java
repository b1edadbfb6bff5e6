package dev.spool.asset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.storage.AddressGuard;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.FileServer;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/**
 * With the default configuration an import may not reach this machine, its private network or a cloud metadata
 * service, directly or through a redirect: the task fails, saying why, before any connection is made.
 */
@BothStores
class ImportAddressGuardTest {
    @RegisterExtension
    static final SharedServers servers = new SharedServers(Map.of("SPOOL_WORKERS", "1"));

    static FileServer loopback;

    @Parameter
    Store store;

    ApiClient alice;

    @BeforeAll
    static void serveOnLoopback() throws Exception {
        Path file = Files.createTempFile("guard", ".mp4");
        Files.writeString(file, "never to be read");
        loopback = FileServer.start().file("/video.mp4", file);
    }

    @AfterAll
    static void stop() {
        loopback.close();
    }

    @BeforeEach
    void connect() {
        var server = servers.on(store);
        alice = server.client(server.createUserKey("alice@example.com").key());
    }

    @Test
    void givenALoopbackUrl_whenImported_thenTheImportFailsWithoutConnecting() {
        int before = loopback.requests();
        assertRefused(importAndWait(loopback.url("/video.mp4")), "127.0.0.1", "loopback");
        assertThat(loopback.requests()).isEqualTo(before);
    }

    @Test
    void givenAPrivateNetworkUrl_whenImported_thenTheImportFails() {
        assertRefused(importAndWait("http://10.0.0.1/video.mp4"), "10.0.0.1", "private");
    }

    @Test
    void givenTheCloudMetadataAddress_whenImported_thenTheImportFails() {
        assertRefused(importAndWait("http://169.254.169.254/latest/meta-data/"), "169.254.169.254", "metadata");
    }

    @Test
    void givenAPublicUrlRedirectingToLoopback_whenImported_thenTheRedirectIsRefused() {
        var publicAddress = publicLocalAddress();
        assumeTrue(publicAddress.isPresent(), "this machine has no non-private address to serve a redirect from");
        try (var redirecting =
                FileServer.start(publicAddress.get()).redirect("/video.mp4", loopback.url("/video.mp4"))) {
            int before = loopback.requests();
            assertRefused(importAndWait(redirecting.url("/video.mp4")), "127.0.0.1", "loopback");
            assertThat(redirecting.requests()).isEqualTo(1);
            assertThat(loopback.requests()).isEqualTo(before);
        }
    }

    /** The import's task and asset once the task has finished. */
    record Outcome(JsonNode task, JsonNode asset) {}

    private Outcome importAndWait(String url) {
        var created = alice.post("/api/asset/upload/url", Map.of("name", "guarded", "url", url));
        assertThat(created.status()).isEqualTo(201);
        String taskId = created.json().path("task").path("id").asText();
        var task = Await.until(
                () -> alice.get("/api/task/" + taskId).json(),
                t -> List.of("completed", "failed")
                        .contains(t.path("status").path("phase").asText()),
                Duration.ofSeconds(30),
                "the import of " + url + " to finish");
        return new Outcome(
                task,
                alice.get("/api/asset/"
                                + created.json().path("asset").path("id").asText())
                        .json());
    }

    private static void assertRefused(Outcome outcome, String address, String kind) {
        var taskStatus = outcome.task().path("status");
        assertThat(taskStatus.path("phase").asText()).isEqualTo("failed");
        String message = taskStatus.path("errorMessage").asText();
        assertThat(message).contains("refusing to import").contains(address).containsIgnoringCase(kind);
        var assetStatus = outcome.asset().path("status");
        assertThat(assetStatus.path("phase").asText()).isEqualTo("failed");
        assertThat(assetStatus.path("errorMessage").asText()).isEqualTo(message);
    }

    /** An IPv4 address of this machine outside the loopback, private and link-local ranges, if it has one. */
    private static Optional<InetAddress> publicLocalAddress() {
        try {
            return NetworkInterface.networkInterfaces()
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> a instanceof Inet4Address)
                    .filter(a -> AddressGuard.refusalReason(a).isEmpty())
                    .findFirst();
        } catch (SocketException e) {
            return Optional.empty();
        }
    }
}
