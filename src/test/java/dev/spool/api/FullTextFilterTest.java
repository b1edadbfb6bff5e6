package dev.spool.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import dev.spool.testing.ApiClient;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/**
 * Filters on full-text fields (asset and webhook names, task names) match a case-insensitive substring, with the
 * value's LIKE wildcards taken literally; other string fields keep matching exactly. Real HTTP, both stores.
 */
@BothStores
class FullTextFilterTest {
    private static final String WEBHOOK_URL = "https://hooks.example.com/spool";

    @RegisterExtension
    static final SharedServers servers = new SharedServers();

    @Parameter
    Store store;

    ApiClient client;

    @BeforeEach
    void connect() {
        TestServer server = servers.on(store);
        client = server.client(server.createUserKey("search-" + UUID.randomUUID() + "@example.com")
                .key());
    }

    @Test
    void givenAssets_whenFilteredByPartOfTheirName_thenEveryNameContainingItInAnyCaseIsListed() {
        for (String name : List.of("Summer Holiday 2024", "summer_holiday", "winter")) {
            createAsset(name);
        }

        var holidays = client.get("/api/asset?count=1&filters=" + filter("name", "HOLIDAY"));
        var winter = client.get("/api/asset?filters=" + filter("name", "wInT"));

        assertThat(names(holidays.json())).containsExactlyInAnyOrder("Summer Holiday 2024", "summer_holiday");
        assertThat(holidays.header("X-Total-Count")).contains("2");
        assertThat(names(winter.json())).containsExactly("winter");
        assertThat(names(
                        client.get("/api/asset?filters=" + filter("name", 2024)).json()))
                .containsExactly("Summer Holiday 2024");
    }

    @Test
    void givenAnAsset_whenFilteredByItsExactName_thenItIsStillFound() {
        createAsset("interview.mp4");
        createAsset("interview");

        var exact = client.get("/api/asset?filters=" + filter("name", "interview.mp4"));

        assertThat(names(exact.json())).containsExactly("interview.mp4");
    }

    @Test
    void givenNamesWithWildcardCharacters_whenTheFilterHasThem_thenTheyMatchOnlyLiterally() {
        for (String name : List.of("100% real", "1000 real", "summer_holiday", "summer holiday", "Wow! Great")) {
            createAsset(name);
        }

        var percent = client.get("/api/asset?filters=" + filter("name", "0% R"));
        var underscore = client.get("/api/asset?filters=" + filter("name", "R_H"));
        var bang = client.get("/api/asset?filters=" + filter("name", "wow!"));
        var percentAlone = client.get("/api/asset?filters=" + filter("name", "%"));

        assertThat(percent.status()).as(percent.body()).isEqualTo(200);
        assertThat(names(percent.json())).containsExactly("100% real");
        assertThat(names(underscore.json())).containsExactly("summer_holiday");
        assertThat(bang.status()).as(bang.body()).isEqualTo(200);
        assertThat(names(bang.json())).containsExactly("Wow! Great");
        assertThat(names(percentAlone.json())).containsExactly("100% real");
    }

    @Test
    void givenAssets_whenFilteredOnAPlainStringField_thenOnlyTheExactValueMatches() {
        var asset = createAsset("plain");
        String phase = asset.path("status").path("phase").asText();

        var exact = client.get("/api/asset?filters=" + filter("phase", phase));
        var part = client.get("/api/asset?filters=" + filter("phase", phase.substring(1)));
        var otherCase = client.get(
                "/api/asset?filters=" + filter("id", asset.path("id").asText().toUpperCase()));

        assertThat(names(exact.json())).containsExactly("plain");
        assertThat(part.json()).isEmpty();
        assertThat(otherCase.json()).isEmpty();
    }

    @Test
    void givenWebhooks_whenFilteredByPartOfTheirName_thenEveryNameContainingItInAnyCaseIsListed() {
        for (String name : List.of("Deploy Alerts", "deploy-log", "billing")) {
            var created = client.post(
                    "/api/webhook", Map.of("name", name, "url", WEBHOOK_URL, "events", List.of("asset.ready")));
            assertThat(created.status()).as(created.body()).isEqualTo(200);
        }

        var deploy = client.get("/api/webhook?filters=" + filter("name", "DEPLOY"));
        var alerts = client.get("/api/webhook?filters=" + filter("name", "alerts"));
        var exact = client.get("/api/webhook?filters=" + filter("name", "billing"));
        var wildcard = client.get("/api/webhook?filters=" + filter("name", "y_l"));

        assertThat(names(deploy.json())).containsExactlyInAnyOrder("Deploy Alerts", "deploy-log");
        assertThat(names(alerts.json())).containsExactly("Deploy Alerts");
        assertThat(names(exact.json())).containsExactly("billing");
        assertThat(wildcard.json()).isEmpty();
    }

    @Test
    void givenATask_whenFilteredByName_thenTheFilterIsAcceptedAndMatchesNoTaskSinceTasksHaveNoName() {
        createAsset("named asset");
        assertThat(client.get("/api/task").json()).hasSize(1);

        var byName = client.get("/api/task?filters=" + filter("name", "named"));
        var byEmpty = client.get("/api/task?filters=" + filter("name", ""));
        var ordered = client.get("/api/task?order=name-true");

        assertThat(byName.status()).as(byName.body()).isEqualTo(200);
        assertThat(byName.json()).isEmpty();
        assertThat(byEmpty.json()).isEmpty();
        assertThat(ordered.status()).as(ordered.body()).isEqualTo(200);
        assertThat(ordered.json()).hasSize(1);
    }

    @Test
    void givenAFullTextFilter_whenItsValueIsNotAString_thenItIsA400() {
        var answer = client.get("/api/asset?filters=" + filter("name", List.of("a")));

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.body()).contains("name");
    }

    private JsonNode createAsset(String name) {
        var response = client.post("/api/asset/request-upload", Map.of("name", name));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("asset");
    }

    private static String filter(String field, Object value) {
        String json = Json.write(List.of(Map.of("id", field, "value", value)));
        return URLEncoder.encode(json, StandardCharsets.UTF_8);
    }

    private static List<String> names(JsonNode items) {
        var names = new ArrayList<String>();
        items.forEach(item -> names.add(item.path("name").asText()));
        return names;
    }
}
