package dev.spool.webhook;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.spool.db.Database;
import dev.spool.db.ListQuery;
import dev.spool.db.PageQuery;
import dev.spool.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The log of attempts: recording one writes its log row (when a request was sent) and the webhook's status in the
 * caller's transaction; the API reads the rows back.
 */
public final class WebhookLogs {
    public static final Map<String, String> FIELDS = Map.of(
            "id", "id",
            "event", "event",
            "createdAt", "created_at",
            "statusCode", "response_status",
            // Livepeer's name for a search inside the logged request body, where the event's resource ids are.
            "resourceId", "request_body");
    public static final Set<String> NUMERIC_FIELDS = Set.of("createdAt", "statusCode");
    public static final Set<String> FULL_TEXT_FIELDS = Set.of("resourceId");

    private static final String COLUMNS = "id, webhook_id, event, created_at, duration, success, request_url, "
            + "request_method, request_headers, request_body, response_status, response_status_text, response_body";
    private static final TypeReference<LinkedHashMap<String, String>> HEADERS = new TypeReference<>() {};

    private final Jdbi jdbi;
    private final WebhookRepository webhooks;

    public WebhookLogs(Database database, WebhookRepository webhooks) {
        this.jdbi = database.jdbi();
        this.webhooks = webhooks;
    }

    /** The log entry of the attempt, or empty when it sent nothing (its address was refused). */
    Optional<WebhookLog> record(Handle h, String webhookId, String eventId, String event, Attempt attempt) {
        if (attempt.refused()) {
            webhooks.recordRefusal(h, webhookId, attempt.failure());
            return Optional.empty();
        }
        var log = attempt.toLog(UUID.randomUUID().toString(), webhookId, event);
        var response = Optional.ofNullable(log.response());
        h.createUpdate("INSERT INTO webhook_logs (id, webhook_id, event_id, event, created_at, duration, success, "
                        + "request_url, request_method, request_headers, request_body, response_status, "
                        + "response_status_text, response_body) VALUES (:id, :webhook, :eventId, :event, :created, "
                        + ":duration, :success, :url, :method, :headers, :body, :status, :statusText, :responseBody)")
                .bind("id", log.id())
                .bind("webhook", webhookId)
                .bind("eventId", eventId)
                .bind("event", event)
                .bind("created", log.createdAt())
                .bind("duration", log.duration())
                .bind("success", log.success())
                .bind("url", log.request().url())
                .bind("method", log.request().method())
                .bind("headers", Json.write(log.request().headers()))
                .bind("body", log.request().body())
                .bind("status", response.map(WebhookLog.Response::status).orElse(null))
                .bind(
                        "statusText",
                        response.map(WebhookLog.Response::statusText).orElse(null))
                .bind("responseBody", response.map(WebhookLog.Response::body).orElse(null))
                .execute();
        webhooks.recordAttempt(h, webhookId, attempt.startedAt(), attempt.success() ? null : attempt.failure());
        return Optional.of(log);
    }

    PageQuery.Page<WebhookLog> list(String webhookId, ListQuery query, boolean withCount) {
        return PageQuery.fetch(
                jdbi,
                "webhook_logs",
                COLUMNS,
                WebhookLogs::map,
                query,
                FIELDS,
                "created_at DESC, id DESC",
                Map.of("webhook_id", webhookId),
                List.of(),
                withCount);
    }

    Optional<WebhookLog> find(String webhookId, String id) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT " + COLUMNS + " FROM webhook_logs " + "WHERE id = :id AND webhook_id = :webhook")
                .bind("id", id)
                .bind("webhook", webhookId)
                .map(WebhookLogs::map)
                .findOne());
    }

    private static WebhookLog map(ResultSet rs, StatementContext ctx) throws SQLException {
        var request = new WebhookLog.Request(
                rs.getString("request_url"),
                rs.getString("request_method"),
                Json.read(rs.getString("request_headers"), HEADERS),
                rs.getString("request_body"));
        WebhookLog.Response response = null;
        if (rs.getObject("response_status") != null) {
            response = new WebhookLog.Response(
                    rs.getString("response_body"), rs.getInt("response_status"), rs.getString("response_status_text"));
        }
        return new WebhookLog(
                rs.getString("id"),
                rs.getString("webhook_id"),
                rs.getString("event"),
                rs.getLong("created_at"),
                rs.getDouble("duration"),
                rs.getBoolean("success"),
                request,
                response);
    }
}
