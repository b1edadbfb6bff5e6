package dev.spool.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.db.Database;
import dev.spool.db.Dialect;
import dev.spool.json.Json;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The delivery outbox: one row per (event, webhook), written in the transaction of the change it reports, claimed
 * under a lease by dispatchers in any process, and finished under the same lease. The events of one resource reach a
 * webhook in order: only the oldest unfinished delivery of a (webhook, resource) pair can be claimed.
 */
public final class Deliveries {
    private final Jdbi jdbi;
    private final Dialect dialect;

    public Deliveries(Database database) {
        this.jdbi = database.jdbi();
        this.dialect = database.dialect();
    }

    enum State {
        PENDING,
        DELIVERED,
        FAILED,
        DROPPED;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A claimed delivery; {@code attempts} (this claim's number) and the lease owner fence its finish. */
    record Due(
            long position,
            String webhookId,
            String eventId,
            String event,
            String resourceId,
            String payload,
            long createdAt,
            int attempts) {

        /** The request body for a send at {@code timestamp}, Livepeer's delivery shape. */
        ObjectNode body(long timestamp) {
            var body = Json.mapper().createObjectNode();
            body.put("id", eventId);
            body.put("webhookId", webhookId);
            body.put("createdAt", createdAt);
            body.put("timestamp", timestamp);
            body.put("event", event);
            body.set("payload", Json.tree(payload));
            return body;
        }
    }

    void insert(Handle h, String webhookId, String eventId, String event, String resourceId, String payload, long now) {
        h.createUpdate("INSERT INTO webhook_deliveries (webhook_id, event_id, event, resource_id, payload, created_at, "
                        + "state, run_after) VALUES (:webhook, :eventId, :event, :resource, :payload, :now, 'pending', "
                        + ":now)")
                .bind("webhook", webhookId)
                .bind("eventId", eventId)
                .bind("event", event)
                .bind("resource", resourceId)
                .bind("payload", payload)
                .bind("now", now)
                .execute();
    }

    /**
     * Claims up to {@code max} due deliveries, each the oldest unfinished one of its webhook and resource, pushing
     * their next due time to the end of the lease: a claimer that dies leaves them to be claimed again then.
     */
    List<Due> claim(String owner, int max, long now, long leaseUntil) {
        String sql = "UPDATE webhook_deliveries SET attempts = attempts + 1, lease_owner = :owner, run_after = :until "
                + "WHERE state = 'pending' AND position IN ("
                + "SELECT d.position FROM webhook_deliveries d WHERE d.state = 'pending' AND d.run_after <= :now "
                + "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id "
                + "AND e.resource_id = d.resource_id AND e.state = 'pending' AND e.position < d.position) "
                + "ORDER BY d.run_after, d.position LIMIT :max" + dialect.skipLocked()
                + ") RETURNING position, webhook_id, event_id, event, resource_id, payload, created_at, attempts";
        return jdbi.inTransaction(h -> h.createQuery(sql)
                .bind("owner", owner)
                .bind("until", leaseUntil)
                .bind("now", now)
                .bind("max", max)
                .map((rs, ctx) -> new Due(
                        rs.getLong("position"),
                        rs.getString("webhook_id"),
                        rs.getString("event_id"),
                        rs.getString("event"),
                        rs.getString("resource_id"),
                        rs.getString("payload"),
                        rs.getLong("created_at"),
                        rs.getInt("attempts")))
                .list());
    }

    /** Ends a claim: finished in a final state, or pending again from {@code runAfter}. False if the lease was lost. */
    boolean finish(Handle h, Due due, String owner, State state, long runAfter, long now) {
        return h.createUpdate("UPDATE webhook_deliveries SET state = :state, run_after = :runAfter, "
                                + "lease_owner = NULL, finished_at = :finished "
                                + "WHERE position = :position AND lease_owner = :owner AND attempts = :attempts "
                                + "AND state = 'pending'")
                        .bind("state", state.wire())
                        .bind("runAfter", runAfter)
                        .bind("finished", state == State.PENDING ? null : (Long) now)
                        .bind("position", due.position())
                        .bind("owner", owner)
                        .bind("attempts", due.attempts())
                        .execute()
                == 1;
    }

    /** A deleted webhook gets nothing more. */
    void dropPending(Handle h, String webhookId, long now) {
        h.createUpdate("UPDATE webhook_deliveries SET state = 'dropped', lease_owner = NULL, finished_at = :now "
                        + "WHERE webhook_id = :webhook AND state = 'pending'")
                .bind("webhook", webhookId)
                .bind("now", now)
                .execute();
    }

    /** Shutdown: what this process claimed but did not finish is due again at once. */
    void release(String owner, long now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE webhook_deliveries SET run_after = :now, lease_owner = NULL "
                        + "WHERE lease_owner = :owner AND state = 'pending'")
                .bind("owner", owner)
                .bind("now", now)
                .execute());
    }
}
