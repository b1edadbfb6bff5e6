package dev.spool.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.ApiClient;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Webhook URLs that would reach special-purpose addresses are refused alike on create and on replace. */
class WebhookAddressTest {
    static TestServer server;
    static ApiClient alice;
    static String existing;

    @BeforeAll
    static void start() {
        server = TestServer.start(Store.SQLITE);
        alice = server.client(server.createUserKey("alice@example.com").key());
        existing = alice.post(
                        "/api/webhook",
                        Map.of("name", "w", "url", "https://hooks.example.com/a", "events", List.of("task.completed")))
                .json()
                .path("id")
                .asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://[fe80::1%25eth0]/",
                "http://[fe80::1]/",
                "http://198.18.0.1/",
                "http://[2001::1]/",
                "http://[2001:db8::1]/",
                "http://203.0.113.9/",
                "http://[64:ff9b:1::1]/"
            })
    void givenASpecialPurposeAddress_whenAWebhookIsCreatedOrReplaced_thenBothRefuseWithTheSameMessage(String url) {
        var body = Map.of("name", "w", "url", url, "events", List.of("task.completed"));

        var created = alice.post("/api/webhook", body);
        var replaced = alice.put("/api/webhook/" + existing, body);

        assertThat(created.status()).as(created.body()).isEqualTo(422);
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(422);
        assertThat(created.json().path("errors").get(0).asText()).startsWith("url: refusing to call ");
        assertThat(replaced.json()).isEqualTo(created.json());
    }
}
