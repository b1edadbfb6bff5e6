package dev.spool.api;

import dev.spool.crypto.SecretBox;
import dev.spool.db.Database;
import dev.spool.error.SpoolException;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stored answers of create requests sent with an {@code Idempotency-Key}, per user. Answers are kept sealed under
 * the server key: some carry credentials (a direct upload's URL holds its single-use token, which the upload store
 * itself keeps only as a hash).
 */
final class IdempotencyKeys {
    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeys.class);
    static final Duration KEPT = Duration.ofHours(24);

    private final Jdbi jdbi;
    private final SecretBox secrets;

    /** {@code body} is null while unanswered, and when the kept answer cannot be opened. */
    record Entry(String requestHash, Integer status, String body, long createdAt) {}

    /** What a create answered, to be sent again for a repeat. */
    record Answer(int status, String body) {}

    /** A create request's work; empty when its answer is not one to keep (it was refused or failed). */
    interface Create {
        Optional<Answer> run() throws Exception;
    }

    IdempotencyKeys(Database database, SecretBox secrets) {
        this.jdbi = database.jdbi();
        this.secrets = secrets;
    }

    /** Claims the key for a request; false when another request holds it already. */
    boolean claim(String userId, String key, String requestHash, long now) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO idempotency_keys (user_id, idem_key, request_hash, "
                                + "created_at) VALUES (:user, :key, :hash, :now) ON CONFLICT DO NOTHING")
                        .bind("user", userId)
                        .bind("key", key)
                        .bind("hash", requestHash)
                        .bind("now", now)
                        .execute())
                == 1;
    }

    Optional<Entry> find(String userId, String key) {
        return jdbi.withHandle(h -> h.createQuery("SELECT request_hash, status, body, created_at FROM idempotency_keys "
                        + "WHERE user_id = :user AND idem_key = :key")
                .bind("user", userId)
                .bind("key", key)
                .map((rs, ctx) -> {
                    // getObject(.., Integer.class) fails on SQLite's NULL: the status of a claim still unanswered
                    int read = rs.getInt("status");
                    Integer status = rs.wasNull() ? null : read;
                    return new Entry(
                            rs.getString("request_hash"),
                            status,
                            open(rs.getString("body"), userId, key),
                            rs.getLong("created_at"));
                })
                .findOne());
    }

    /**
     * Runs {@code create} and keeps its answer under the key in one transaction: the create's own transactions join
     * it (Jdbi gives nested calls on this thread the same handle), so the answer is kept exactly when what the create
     * wrote commits. A process that dies, or a commit whose outcome is lost, between the two can then no longer leave
     * a created resource whose key a repeat would find unanswered and create again. An empty answer rolls back what
     * the create wrote. True when an answer was kept;
     * when the claim made at {@code claimedAt} is no longer there (a repeat took it over as abandoned), nothing of
     * the create is kept and the request is refused.
     */
    boolean answerWithin(String userId, String key, long claimedAt, Create create) throws Exception {
        return jdbi.inTransaction(h -> {
            var answer = create.run();
            if (answer.isEmpty()) {
                // A request that answered no success created nothing either: a repeat may then do it again.
                h.rollback();
                return false;
            }
            int kept = h.createUpdate("UPDATE idempotency_keys SET status = :status, body = :body "
                            + "WHERE user_id = :user AND idem_key = :key AND created_at = :claimed")
                    .bind("status", answer.get().status())
                    .bind("body", secrets.seal(answer.get().body(), place(userId, key)))
                    .bind("user", userId)
                    .bind("key", key)
                    .bind("claimed", claimedAt)
                    .execute();
            if (kept == 0) {
                throw new SpoolException(
                        SpoolException.Kind.CONFLICT,
                        "idempotency_key_taken_over",
                        "this request ran so long that a repeat under its " + Idempotency.HEADER
                                + " took the key over; nothing of it was kept");
            }
            return true;
        });
    }

    /**
     * An answer as kept: sealed for its row, or in clear as an earlier version kept it (JSON never starts as a sealed
     * value). Null when it cannot be opened here: altered, or a sealed value copied in from elsewhere, which must
     * never come out in clear.
     */
    private String open(String kept, String userId, String key) {
        if (kept == null || kept.startsWith("{") || kept.startsWith("[")) {
            return kept;
        }
        try {
            return secrets.open(kept, place(userId, key));
        } catch (SecretBox.UnreadableSecret e) {
            log.warn(
                    "the kept answer of a request of user {} under an Idempotency-Key cannot be opened: {}",
                    userId,
                    e.getMessage());
            return null;
        }
    }

    /** What an answer is sealed for: its user and key, so it opens in its own row only. */
    private static String place(String userId, String key) {
        return "idempotency answer\n" + userId + "\n" + key;
    }

    /** Forgets a stale key, answered or not. {@code createdAt} guards against a newer claim. */
    void release(String userId, String key, long createdAt) {
        delete(userId, key, createdAt, "");
    }

    /**
     * Forgets a claim whose request kept no answer (it was refused or failed). An answered key stays: when a commit's
     * outcome was lost, the answer may have committed with what it created, and a repeat must then get it.
     */
    void releaseUnanswered(String userId, String key, long createdAt) {
        delete(userId, key, createdAt, " AND status IS NULL");
    }

    private void delete(String userId, String key, long createdAt, String condition) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM idempotency_keys WHERE user_id = :user AND idem_key = :key "
                        + "AND created_at = :created" + condition)
                .bind("user", userId)
                .bind("key", key)
                .bind("created", createdAt)
                .execute());
    }
}
