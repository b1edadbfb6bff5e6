package dev.spool.webhook;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.spool.crypto.SecretBox;
import dev.spool.db.Database;
import dev.spool.db.ListQuery;
import dev.spool.db.Notifications;
import dev.spool.db.PageQuery;
import dev.spool.db.ReadCache;
import dev.spool.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Reads and writes webhook rows. Deleted webhooks are kept (soft delete) but never read back. */
public final class WebhookRepository {
    public static final Map<String, String> FIELDS = Map.of(
            "id", "id",
            "userId", "user_id",
            "name", "name",
            "url", "url",
            "streamId", "stream_id",
            "createdAt", "created_at");
    public static final Set<String> NUMERIC_FIELDS = Set.of("createdAt");
    public static final Set<String> FULL_TEXT_FIELDS = Set.of("name");

    private static final String COLUMNS = "id, user_id, project_id, name, url, events, stream_id, created_at, "
            + "last_triggered_at, last_failure_at, last_failure_error, last_failure_response, last_failure_status";
    private static final TypeReference<List<String>> EVENTS = new TypeReference<>() {};

    private static final String CHANGED = "webhooks";
    private static final int CACHED_OWNERS = 10_000;

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final Notifications notifications;
    /**
     * Each owner and project's subscriptions, as last committed: every task change reads them, and webhooks change
     * rarely, so any change to one, made by any process, forgets them all.
     */
    private final ReadCache<String, List<Subscription>> subscriptions;
    /** Open transactions (by identity: handles compare by their connection) that changed a webhook. */
    private final Set<Handle> changing =
            Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    public WebhookRepository(Database database, SecretBox secrets) {
        this.jdbi = database.jdbi();
        this.secrets = secrets;
        this.notifications = database.notifications();
        this.subscriptions = new ReadCache<>(notifications::live, CACHED_OWNERS, ChronoUnit.FOREVER.getDuration());
        notifications.subscribe(CHANGED, id -> subscriptions.forgetAll(), subscriptions::forgetAll);
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /** Where and how to send: what a delivery needs and nothing the API shows. */
    record Target(String url, String sharedSecret) {}

    void insert(Handle h, Webhook webhook, String sharedSecret) {
        changing(h, webhook.id());
        h.createUpdate("INSERT INTO webhooks (id, user_id, project_id, name, url, events, shared_secret, "
                        + "secret_sealed, stream_id, created_at) "
                        + "VALUES (:id, :user, :project, :name, :url, :events, :secret, TRUE, :stream, :created)")
                .bind("id", webhook.id())
                .bind("user", webhook.userId())
                .bind("project", webhook.projectId())
                .bind("name", webhook.name())
                .bind("url", webhook.url())
                .bind("events", Json.write(webhook.events()))
                .bind("secret", seal(sharedSecret))
                .bind("stream", webhook.streamId())
                .bind("created", webhook.createdAt())
                .execute();
    }

    /** Replaces what a PUT may change; a null secret keeps the one stored. */
    void replace(
            Handle h, String id, String name, String url, List<String> events, String sharedSecret, String streamId) {
        changing(h, id);
        String secret = sharedSecret == null ? "" : "shared_secret = :secret, secret_sealed = TRUE, ";
        h.createUpdate("UPDATE webhooks SET name = :name, url = :url, events = :events, " + secret
                        + "stream_id = :stream WHERE id = :id")
                .bind("name", name)
                .bind("url", url)
                .bind("events", Json.write(events))
                .bind("secret", seal(sharedSecret))
                .bind("stream", streamId)
                .bind("id", id)
                .execute();
    }

    void markDeleted(Handle h, String id, long now) {
        changing(h, id);
        h.createUpdate("UPDATE webhooks SET deleted_at = :now WHERE id = :id")
                .bind("now", now)
                .bind("id", id)
                .execute();
    }

    Optional<Webhook> find(Handle h, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM webhooks WHERE id = :id AND deleted_at IS NULL")
                .bind("id", id)
                .map(WebhookRepository::map)
                .findOne();
    }

    Optional<Target> target(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT url, shared_secret, secret_sealed FROM webhooks "
                        + "WHERE id = :id AND deleted_at IS NULL")
                .bind("id", id)
                .map((rs, ctx) -> new Target(
                        rs.getString("url"),
                        rs.getBoolean("secret_sealed")
                                ? open(id, rs.getString("shared_secret"))
                                : rs.getString("shared_secret")))
                .findOne());
    }

    /** Seals the secrets an earlier version stored in plaintext; answers how many. Run at start. */
    public int sealPlaintextSecrets() {
        return jdbi.inTransaction(h -> {
            var plain = h.createQuery("SELECT id, shared_secret FROM webhooks "
                            + "WHERE secret_sealed = FALSE AND shared_secret IS NOT NULL")
                    .map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getString("shared_secret")))
                    .list();
            for (var row : plain) {
                h.createUpdate("UPDATE webhooks SET shared_secret = :secret, secret_sealed = TRUE WHERE id = :id")
                        .bind("secret", seal(row.getValue()))
                        .bind("id", row.getKey())
                        .execute();
            }
            return plain.size();
        });
    }

    private String seal(String secret) {
        return secret == null ? null : secrets.seal(secret);
    }

    private String open(String id, String sealed) {
        if (sealed == null) {
            return null;
        }
        try {
            return secrets.open(sealed);
        } catch (SecretBox.UnreadableSecret e) {
            throw new IllegalStateException(
                    "the shared secret of webhook " + id + " cannot be opened (" + e.getMessage()
                            + "): SPOOL_SECRET_KEY differs from the key it was sealed with",
                    e);
        }
    }

    PageQuery.Page<Webhook> list(
            Optional<String> userId, Optional<String> projectId, ListQuery query, boolean withCount) {
        var scope = new java.util.LinkedHashMap<String, Object>();
        userId.ifPresent(u -> scope.put("user_id", u));
        projectId.ifPresent(p -> scope.put("project_id", p));
        return PageQuery.fetch(
                jdbi,
                "webhooks",
                COLUMNS,
                WebhookRepository::map,
                query,
                FIELDS,
                "created_at, id",
                scope,
                List.of("deleted_at IS NULL"),
                withCount);
    }

    /**
     * The live webhooks of one owner and project that subscribe to an event, as the caller's transaction sees them:
     * read from the store only after a webhook changed.
     */
    List<String> subscribers(Handle h, String userId, String projectId, String event) {
        return subscriptions(h, userId, projectId).stream()
                .filter(s -> s.events().contains(event))
                .map(Subscription::id)
                .toList();
    }

    private List<Subscription> subscriptions(Handle h, String userId, String projectId) {
        if (changing.contains(h)) {
            // Its own uncommitted changes are what it must see, and no one else may.
            return readSubscriptions(h, userId, projectId);
        }
        return subscriptions.get(userId + "/" + projectId, () -> readSubscriptions(h, userId, projectId));
    }

    /** {@code h} changes webhook {@code id}: its transaction reads its own changes, and every process forgets. */
    private void changing(Handle h, String id) {
        notifications.publish(h, CHANGED, id);
        if (h.isInTransaction() && changing.add(h)) {
            h.afterCommit(() -> changing.remove(h));
            h.afterRollback(() -> changing.remove(h));
        }
    }

    private List<Subscription> readSubscriptions(Handle h, String userId, String projectId) {
        return h.createQuery("SELECT id, events FROM webhooks WHERE user_id = :user AND project_id = :project "
                        + "AND deleted_at IS NULL ORDER BY created_at, id")
                .bind("user", userId)
                .bind("project", projectId)
                .map((rs, ctx) -> new Subscription(rs.getString("id"), Json.read(rs.getString("events"), EVENTS)))
                .list();
    }

    private record Subscription(String id, List<String> events) {}

    /** An attempt sent a request: the webhook was triggered then, and on failure that is its latest failure. */
    void recordAttempt(Handle h, String id, long at, Webhook.LastFailure failure) {
        if (failure == null) {
            h.createUpdate("UPDATE webhooks SET last_triggered_at = :at WHERE id = :id")
                    .bind("at", at)
                    .bind("id", id)
                    .execute();
            return;
        }
        h.createUpdate("UPDATE webhooks SET last_triggered_at = :at, last_failure_at = :at, "
                        + "last_failure_error = :error, last_failure_response = :response, "
                        + "last_failure_status = :status WHERE id = :id")
                .bind("at", at)
                .bind("error", failure.error())
                .bind("response", failure.response())
                .bind("status", failure.statusCode())
                .bind("id", id)
                .execute();
    }

    /** An attempt that could not even be sent (a refused address) is a failure without a trigger. */
    void recordRefusal(Handle h, String id, Webhook.LastFailure failure) {
        h.createUpdate("UPDATE webhooks SET last_failure_at = :at, last_failure_error = :error, "
                        + "last_failure_response = NULL, last_failure_status = NULL WHERE id = :id")
                .bind("at", failure.timestamp())
                .bind("error", failure.error())
                .bind("id", id)
                .execute();
    }

    private static Webhook map(ResultSet rs, StatementContext ctx) throws SQLException {
        Webhook.LastFailure failure = null;
        if (rs.getObject("last_failure_at") != null) {
            failure = new Webhook.LastFailure(
                    rs.getLong("last_failure_at"),
                    rs.getString("last_failure_error"),
                    rs.getString("last_failure_response"),
                    rs.getObject("last_failure_status") == null ? null : rs.getInt("last_failure_status"));
        }
        Long triggered = rs.getObject("last_triggered_at") == null ? null : rs.getLong("last_triggered_at");
        var status = triggered == null && failure == null ? null : new Webhook.Status(triggered, failure);
        return new Webhook(
                rs.getString("id"),
                rs.getString("name"),
                Webhook.KIND,
                rs.getString("user_id"),
                rs.getString("project_id"),
                rs.getLong("created_at"),
                Json.read(rs.getString("events"), EVENTS),
                rs.getString("url"),
                rs.getString("stream_id"),
                status);
    }
}
