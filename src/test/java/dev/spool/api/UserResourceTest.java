package dev.spool.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.testing.ApiClient;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/**
 * {@code /api/user/me} and the admin-only {@code /api/user} over real HTTP, on both stores, and the {@code userId}
 * filter an admin uses with {@code allUsers} to look at one user's assets, tasks and webhooks.
 */
@BothStores
class UserResourceTest {
    @RegisterExtension
    static final SharedServers servers = new SharedServers();

    @Parameter
    Store store;

    TestServer server;

    @BeforeEach
    void connect() {
        server = servers.on(store);
    }

    private TestServer.UserKey newUser(String prefix) {
        return server.createUserKey(prefix + "-" + UUID.randomUUID() + "@example.com");
    }

    private static String userFilter(String userId) {
        return URLEncoder.encode("[{\"id\":\"userId\",\"value\":\"" + userId + "\"}]", StandardCharsets.UTF_8);
    }

    @Test
    void givenAUsersKey_whenItAsksWhoItIs_thenItIsThatUserAndNotAnAdmin() {
        var user = newUser("me");

        var me = server.client(user.key()).get("/api/user/me");

        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().path("id").asText()).isEqualTo(user.userId());
        assertThat(me.json().path("email").asText()).startsWith("me-").endsWith("@example.com");
        assertThat(me.json().path("admin").isBoolean()).isTrue();
        assertThat(me.json().path("admin").asBoolean()).isFalse();
        assertThat(me.json().path("createdAt").asLong()).isPositive();
    }

    @Test
    void givenTheAdminsKey_whenItAsksWhoItIs_thenItIsAnAdmin() {
        var me = server.admin().get("/api/user/me");

        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().path("admin").asBoolean()).isTrue();
    }

    @Test
    void givenNoKey_whenAskingWhoItIs_thenItIs401() {
        assertThat(server.anonymous().get("/api/user/me").status()).isEqualTo(401);
    }

    @Test
    void givenANonAdmin_whenListingUsers_thenItIsForbiddenAndNamesNobody() {
        var other = newUser("listed");
        var user = newUser("curious");

        var answer = server.client(user.key()).get("/api/user");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body()).doesNotContain(other.userId());
    }

    @Test
    void givenUsers_whenTheAdminListsThem_thenEachIsThereOnceFoundByEmailAndPagedByTheCursor() {
        String tag = UUID.randomUUID().toString();
        var first = server.createUserKey("a-" + tag + "@example.com");
        var second = server.createUserKey("b-" + tag + "@example.com");
        var admin = server.admin();

        var byEmail = admin.get("/api/user?filters="
                + URLEncoder.encode(
                        "[{\"id\":\"email\",\"value\":\"a-" + tag + "@example.com\"}]", StandardCharsets.UTF_8));
        assertThat(byEmail.status()).as(byEmail.body()).isEqualTo(200);
        assertThat(byEmail.json().findValuesAsText("id")).containsExactly(first.userId());
        assertThat(byEmail.json().get(0).path("admin").asBoolean()).isFalse();

        var seen = new java.util.ArrayList<String>();
        String next = "/api/user?limit=1&count=1";
        int pages = 0;
        while (next != null) {
            var page = admin.get(next);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            assertThat(page.json().size()).isLessThanOrEqualTo(1);
            page.json().forEach(u -> seen.add(u.path("id").asText()));
            next = page.header("Link")
                    .map(link -> link.substring(
                            link.indexOf(server.baseUrl()) + server.baseUrl().length(), link.indexOf('>')))
                    .orElse(null);
            pages++;
        }
        assertThat(seen).contains(first.userId(), second.userId()).doesNotHaveDuplicates();
        assertThat(pages).isGreaterThanOrEqualTo(seen.size());
    }

    @Test
    void givenTwoUsersResources_whenTheAdminListsAllUsersFilteredByOne_thenOnlyThatUsersAreListed() {
        var alice = newUser("alice");
        var bob = newUser("bob");
        var aliceAsset = requestUpload(server.client(alice.key()), "alice's");
        var bobAsset = requestUpload(server.client(bob.key()), "bob's");
        String aliceHook = webhook(server.client(alice.key()));
        String bobHook = webhook(server.client(bob.key()));
        var admin = server.admin();

        // Tasks do not show their owner: theirs are told apart by id below.
        for (String list : List.of("/api/asset", "/api/webhook")) {
            var answer = admin.get(list + "?allUsers=1&limit=1000&filters=" + userFilter(alice.userId()));
            assertThat(answer.status()).as(list + ": " + answer.body()).isEqualTo(200);
            assertThat(answer.json().findValuesAsText("userId"))
                    .as(list)
                    .isNotEmpty()
                    .containsOnly(alice.userId());
        }
        assertThat(admin.get("/api/asset?allUsers=1&filters=" + userFilter(alice.userId()))
                        .body())
                .contains(aliceAsset.path("asset").path("id").asText())
                .doesNotContain(bobAsset.path("asset").path("id").asText());
        assertThat(admin.get("/api/task?allUsers=1&filters=" + userFilter(alice.userId()))
                        .body())
                .contains(aliceAsset.path("task").path("id").asText())
                .doesNotContain(bobAsset.path("task").path("id").asText());
        assertThat(admin.get("/api/webhook?allUsers=1&filters=" + userFilter(alice.userId()))
                        .body())
                .contains(aliceHook)
                .doesNotContain(bobHook);
    }

    @Test
    void givenANonAdmin_whenFilteringOnAnotherUsersId_thenNothingOfTheirsIsListed() {
        var alice = newUser("alice");
        var mallory = newUser("mallory");
        var aliceAsset = requestUpload(server.client(alice.key()), "alice's");

        var answer = server.client(mallory.key()).get("/api/asset?allUsers=1&filters=" + userFilter(alice.userId()));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().isEmpty()).isTrue();
        assertThat(answer.body())
                .doesNotContain(aliceAsset.path("asset").path("id").asText());
    }

    private static JsonNode requestUpload(ApiClient client, String name) {
        var answer = client.post("/api/asset/request-upload", Map.of("name", name));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static String webhook(ApiClient client) {
        var answer = client.post(
                "/api/webhook",
                Map.of("name", "hook", "url", "https://hooks.example.com/in", "events", List.of("task.spawned")));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().path("id").asText();
    }
}
