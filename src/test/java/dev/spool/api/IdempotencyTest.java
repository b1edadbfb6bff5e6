package dev.spool.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.crypto.SecretBox;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/**
 * {@code Idempotency-Key} on the creating POSTs: a repeat answers the first answer and creates nothing; the key
 * with another body is 422; keys are per user.
 */
@BothStores
class IdempotencyTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEBHOOK =
            "{\"name\": \"w\", \"url\": \"https://hooks.example.com/a\", \"events\": [\"task.completed\"]}";
    private static final String TRANSCODE = """
            {"input": {"url": "https://example.com/v.mp4"},
             "storage": {"type": "s3", "endpoint": "https://s3.example.com", "bucket": "b",
                         "credentials": {"accessKeyId": "a", "secretAccessKey": "s"}},
             "outputs": {"hls": {"path": "/out"}}}""";

    @RegisterExtension
    static final SharedServers servers = new SharedServers();

    @Parameter
    Store store;

    TestServer server;
    String aliceId;
    String aliceKey;

    @BeforeEach
    void connect() {
        server = servers.on(store);
        var alice = server.createUserKey("alice-" + UUID.randomUUID() + "@example.com");
        aliceId = alice.userId();
        aliceKey = alice.key();
    }

    HttpResponse<String> post(String apiKey, String path, String idempotencyKey, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    int count(String apiKey, String path) {
        return server.client(apiKey).get(path).json().size();
    }

    @Test
    void givenAnUploadRequestSentTwiceWithOneKey_thenTheSecondAnswersTheFirstAndNoSecondAssetOrTaskExists()
            throws Exception {
        String key = UUID.randomUUID().toString();
        String body = "{\"name\": \"once\"}";

        var first = post(aliceKey, "/api/asset/request-upload", key, body);
        var second = post(aliceKey, "/api/asset/request-upload", key, body);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(second.body())).isEqualTo(JSON.readTree(first.body()));
        assertThat(second.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(count(aliceKey, "/api/asset")).isEqualTo(1);
        assertThat(count(aliceKey, "/api/task")).isEqualTo(1);
    }

    @Test
    void givenAnUploadRequestSentWithAKey_thenItsKeptAnswerDoesNotHoldTheUploadUrlInClear() throws Exception {
        String key = UUID.randomUUID().toString();

        var first = post(aliceKey, "/api/asset/request-upload", key, "{\"name\": \"sealed\"}");

        String uploadUrl = JSON.readTree(first.body()).path("url").asText();
        assertThat(uploadUrl).isNotEmpty();
        String kept = keptBody(key);
        assertThat(kept).startsWith("v1.").doesNotContain(uploadUrl);
    }

    @Test
    void givenAnAnswerKeptInClearByAnEarlierVersion_whenItsRequestIsRepeated_thenItIsAnsweredAgain() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = "{\"name\": \"kept in clear\"}";
        var first = post(aliceKey, "/api/asset/request-upload", key, body);
        keepBody(key, first.body());

        var repeat = post(aliceKey, "/api/asset/request-upload", key, body);

        assertThat(repeat.body()).isEqualTo(first.body());
        assertThat(repeat.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(count(aliceKey, "/api/asset")).isEqualTo(1);
    }

    @Test
    void givenASealedAnswerCopiedInFromAnotherKeysRow_whenTheRequestIsRepeated_thenItIs409AndTheCopyStaysSealed()
            throws Exception {
        // given another request's kept answer (an upload URL in it), copied into this key's row in the database
        String other = UUID.randomUUID().toString();
        var otherAnswer = post(aliceKey, "/api/asset/request-upload", other, "{\"name\": \"other\"}");
        String key = UUID.randomUUID().toString();
        String body = "{\"name\": \"this one\"}";
        post(aliceKey, "/api/asset/request-upload", key, body);
        keepBody(key, keptBody(other));

        // when this key's request is repeated
        var repeat = post(aliceKey, "/api/asset/request-upload", key, body);

        // then the copy is not opened for it: 409, and the other answer's URL is not given out
        assertThat(repeat.statusCode()).as(repeat.body()).isEqualTo(409);
        assertThat(repeat.body()).contains("cannot be opened with this server's key");
        assertThat(repeat.body())
                .doesNotContain(JSON.readTree(otherAnswer.body()).path("url").asText());
        assertThat(count(aliceKey, "/api/asset")).isEqualTo(2);
    }

    @Test
    void givenAnAnswerSealedUnderAnotherServerKey_whenItsRequestIsRepeated_thenItIs409AndCreatesNothing()
            throws Exception {
        String key = UUID.randomUUID().toString();
        String body = "{\"name\": \"sealed elsewhere\"}";
        post(aliceKey, "/api/asset/request-upload", key, body);
        byte[] otherKey = new byte[SecretBox.KEY_BYTES];
        otherKey[0] = 1;
        keepBody(key, new SecretBox(otherKey).seal("{}"));

        var repeat = post(aliceKey, "/api/asset/request-upload", key, body);

        assertThat(repeat.statusCode()).as(repeat.body()).isEqualTo(409);
        assertThat(count(aliceKey, "/api/asset")).isEqualTo(1);
    }

    private String keptBody(String key) {
        return Jdbi.create(server.databaseUrl())
                .withHandle(h -> h.createQuery(
                                "SELECT body FROM idempotency_keys WHERE user_id = :user AND idem_key = :key")
                        .bind("user", aliceId)
                        .bind("key", key)
                        .mapTo(String.class)
                        .one());
    }

    private void keepBody(String key, String body) {
        Jdbi.create(server.databaseUrl())
                .useHandle(h -> h.createUpdate(
                                "UPDATE idempotency_keys SET body = :body WHERE user_id = :user AND idem_key = :key")
                        .bind("body", body)
                        .bind("user", aliceId)
                        .bind("key", key)
                        .execute());
    }

    @Test
    void givenAKeyUsedOnce_whenSentWithAnotherBody_thenItIs422AndNothingIsCreated() throws Exception {
        String key = UUID.randomUUID().toString();
        post(aliceKey, "/api/asset/request-upload", key, "{\"name\": \"first\"}");

        var other = post(aliceKey, "/api/asset/request-upload", key, "{\"name\": \"second\"}");

        assertThat(other.statusCode()).isEqualTo(422);
        JsonNode errors = JSON.readTree(other.body()).path("errors");
        assertThat(errors.get(0).asText()).startsWith("Idempotency-Key:");
        assertThat(count(aliceKey, "/api/asset")).isEqualTo(1);
    }

    @Test
    void givenAWebhookAndATranscodeCreatedTwiceWithOneKey_thenEachExistsOnce() throws Exception {
        String key = UUID.randomUUID().toString();

        var first = post(aliceKey, "/api/webhook", key, WEBHOOK);
        var again = post(aliceKey, "/api/webhook", key, WEBHOOK);

        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(count(aliceKey, "/api/webhook")).isEqualTo(1);

        String transcodeKey = UUID.randomUUID().toString();
        var created = post(aliceKey, "/api/transcode", transcodeKey, TRANSCODE);
        var repeated = post(aliceKey, "/api/transcode", transcodeKey, TRANSCODE);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(repeated.body()).isEqualTo(created.body());
        assertThat(count(aliceKey, "/api/task")).isEqualTo(1);
    }

    @Test
    void givenAStoreThatRefusesToKeepTheAnswer_whenCreatesAreSentWithKeys_thenNothingIsCreatedAndTheKeysStayFree()
            throws Exception {
        String prefix = "refused-" + UUID.randomUUID() + "-";
        String upload = "{\"name\": \"kept with its answer or not at all\"}";
        var creates = List.of(
                List.of("/api/asset/request-upload", upload, "/api/asset"),
                List.of(
                        "/api/asset/upload/url",
                        "{\"name\": \"u\", \"url\": \"https://example.com/v.mp4\"}",
                        "/api/asset"),
                List.of("/api/webhook", WEBHOOK, "/api/webhook"),
                List.of("/api/transcode", TRANSCODE, "/api/task"));
        var jdbi = Jdbi.create(server.databaseUrl());
        String trigger = "refuse_answer_" + UUID.randomUUID().toString().replace("-", "");
        // given a store that fails the keeping of these keys' answers (as a crash right there would leave them)
        refuseAnswers(jdbi, trigger, prefix);
        try {
            for (var create : creates) {
                // when each create is sent under its key
                var refused = post(aliceKey, create.get(0), prefix + create.get(0), create.get(1));

                // then it fails, and what it made is gone with the answer
                assertThat(refused.statusCode())
                        .as(create.get(0) + ": " + refused.body())
                        .isGreaterThanOrEqualTo(500);
                assertThat(count(aliceKey, create.get(2))).as(create.get(0)).isZero();
            }
            assertThat(count(aliceKey, "/api/task")).isZero();
        } finally {
            dropRefusal(jdbi, trigger);
        }

        // and the key is free: sent again, the request is created once
        var again = post(aliceKey, "/api/asset/request-upload", prefix + "/api/asset/request-upload", upload);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(count(aliceKey, "/api/asset")).isEqualTo(1);
    }

    @Test
    void givenAKeyWhoseRequestIsStillRunning_whenARepeatArrives_thenItIs409WithARetryAfterAndCreatesNothing()
            throws Exception {
        String key = UUID.randomUUID().toString();
        String body = "{\"name\": \"twice\"}";
        // given the same request under the key, which has claimed it and not answered yet
        var digest = MessageDigest.getInstance("SHA-256");
        digest.update(("POST /api/asset/request-upload\n" + body).getBytes(StandardCharsets.UTF_8));
        claim(key, HexFormat.of().formatHex(digest.digest()), System.currentTimeMillis());

        var repeat = post(aliceKey, "/api/asset/request-upload", key, body);

        assertThat(repeat.statusCode()).as(repeat.body()).isEqualTo(409);
        assertThat(repeat.body()).contains("still running");
        assertThat(repeat.headers().firstValue("Retry-After")).isPresent();
        assertThat(count(aliceKey, "/api/asset")).isZero();
    }

    @Test
    void givenAKeyClaimedByARequestThatDiedMinutesAgo_whenARepeatArrives_thenItIsCreated() throws Exception {
        String key = UUID.randomUUID().toString();
        // given a claim its process left unanswered three minutes ago: its create, committed only with an answer,
        // wrote nothing
        claim(
                key,
                "another request",
                System.currentTimeMillis() - Duration.ofMinutes(3).toMillis());

        var repeat = post(aliceKey, "/api/asset/request-upload", key, "{\"name\": \"after a crash\"}");

        assertThat(repeat.statusCode()).as(repeat.body()).isEqualTo(200);
        assertThat(count(aliceKey, "/api/asset")).isEqualTo(1);
    }

    private void claim(String key, String requestHash, long at) {
        Jdbi.create(server.databaseUrl())
                .useHandle(h -> h.createUpdate("INSERT INTO idempotency_keys (user_id, idem_key, request_hash, "
                                + "created_at) VALUES (:user, :key, :hash, :at)")
                        .bind("user", aliceId)
                        .bind("hash", requestHash)
                        .bind("key", key)
                        .bind("at", at)
                        .execute());
    }

    private void refuseAnswers(Jdbi jdbi, String trigger, String keyPrefix) {
        if (store == Store.POSTGRES) {
            jdbi.useHandle(h -> h.execute("CREATE FUNCTION " + trigger + "() RETURNS trigger LANGUAGE plpgsql AS "
                    + "$$ BEGIN RAISE EXCEPTION 'answer refused'; END $$"));
            jdbi.useHandle(h -> h.execute("CREATE TRIGGER " + trigger + " BEFORE UPDATE ON idempotency_keys "
                    + "FOR EACH ROW WHEN (NEW.idem_key LIKE '" + keyPrefix + "%') EXECUTE FUNCTION " + trigger + "()"));
        } else {
            jdbi.useHandle(h -> h.execute("CREATE TRIGGER " + trigger + " BEFORE UPDATE ON idempotency_keys "
                    + "WHEN NEW.idem_key LIKE '" + keyPrefix + "%' BEGIN SELECT RAISE(ABORT, 'answer refused'); END"));
        }
    }

    private void dropRefusal(Jdbi jdbi, String trigger) {
        if (store == Store.POSTGRES) {
            jdbi.useHandle(h -> h.execute("DROP TRIGGER " + trigger + " ON idempotency_keys"));
            jdbi.useHandle(h -> h.execute("DROP FUNCTION " + trigger + "()"));
        } else {
            jdbi.useHandle(h -> h.execute("DROP TRIGGER " + trigger));
        }
    }

    @Test
    void givenTwoUsersWithTheSameKey_thenEachGetsTheirOwnAsset() throws Exception {
        String bobKey = server.createUserKey("bob-" + UUID.randomUUID() + "@example.com")
                .key();
        String key = "shared-key";

        var alice = post(aliceKey, "/api/asset/request-upload", key, "{\"name\": \"a\"}");
        var bob = post(bobKey, "/api/asset/request-upload", key, "{\"name\": \"b\"}");

        assertThat(bob.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(bob.body()).path("asset").path("id"))
                .isNotEqualTo(JSON.readTree(alice.body()).path("asset").path("id"));
    }

    @Test
    void givenARefusedRequest_whenSentAgainFixedUnderTheSameKey_thenItIsCreated() throws Exception {
        String key = UUID.randomUUID().toString();

        var refused = post(aliceKey, "/api/asset/request-upload", key, "{\"name\": \"\"}");
        var fixed = post(aliceKey, "/api/asset/request-upload", key, "{\"name\": \"fixed\"}");

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(fixed.statusCode()).as(fixed.body()).isEqualTo(200);
    }
}
