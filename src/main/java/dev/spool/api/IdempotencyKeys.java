package dev.spool.api;

import dev.spool.db.Database;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** The stored answers of create requests sent with an {@code Idempotency-Key}, per user. */
final class IdempotencyKeys {
    static final Duration KEPT = Duration.ofHours(24);

    private final Jdbi jdbi;

    record Entry(String requestHash, Integer status, String body, long createdAt) {}

    IdempotencyKeys(Database database) {
        this.jdbi = database.jdbi();
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
                            rs.getString("request_hash"), status, rs.getString("body"), rs.getLong("created_at"));
                })
                .findOne());
    }

    void complete(String userId, String key, int status, String body) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE idempotency_keys SET status = :status, body = :body "
                        + "WHERE user_id = :user AND idem_key = :key")
                .bind("status", status)
                .bind("body", body)
                .bind("user", userId)
                .bind("key", key)
                .execute());
    }

    /** Forgets a key: its request failed, or its claim is stale. {@code createdAt} guards against a newer claim. */
    void release(String userId, String key, long createdAt) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM idempotency_keys WHERE user_id = :user AND idem_key = :key "
                        + "AND created_at = :created")
                .bind("user", userId)
                .bind("key", key)
                .bind("created", createdAt)
                .execute());
    }
}
