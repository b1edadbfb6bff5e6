package dev.spool.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.access.PlaybackWebhook;
import dev.spool.account.Principal;
import dev.spool.db.ListQuery;
import dev.spool.db.PageQuery;
import dev.spool.error.FieldLimits;
import dev.spool.error.SpoolException;
import dev.spool.json.Json;
import dev.spool.storage.AddressGuard;
import dev.spool.storage.FetchException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Webhook subscriptions for their owners: create, read, replace, delete, and their logs with resend. A webhook is
 * visible to its owner within its project (and to admins); to anyone else it does not exist.
 */
public final class WebhookService implements PlaybackWebhook {
    private final WebhookRepository webhooks;
    private final WebhookLogs logs;
    private final Deliveries deliveries;
    private final WebhookSender sender;
    private final AddressGuard guard;
    private final Clock clock;

    public WebhookService(
            WebhookRepository webhooks,
            WebhookLogs logs,
            Deliveries deliveries,
            WebhookSender sender,
            AddressGuard guard,
            Clock clock) {
        this.webhooks = webhooks;
        this.logs = logs;
        this.deliveries = deliveries;
        this.sender = sender;
        this.guard = guard;
        this.clock = clock;
    }

    /** A webhook to create: its input checked, its URL's host looked up. */
    public record NewWebhook(Webhook webhook, String sharedSecret) {}

    /**
     * Checks a webhook to create, looking its URL's host up: apart from {@link #create(NewWebhook)}, so that the
     * lookup, which may wait on a slow resolver, runs outside any transaction.
     */
    public NewWebhook check(Principal caller, WebhookInput input) {
        validate(input);
        var webhook = new Webhook(
                UUID.randomUUID().toString(),
                input.name(),
                Webhook.KIND,
                caller.userId(),
                caller.projectId(),
                clock.millis(),
                List.copyOf(input.events()),
                input.url(),
                input.streamId(),
                null);
        return new NewWebhook(webhook, input.sharedSecret());
    }

    public Webhook create(NewWebhook checked) {
        webhooks.jdbi().useTransaction(h -> webhooks.insert(h, checked.webhook(), checked.sharedSecret()));
        return checked.webhook();
    }

    public Webhook get(Principal caller, String id) {
        return webhooks.jdbi().withHandle(h -> visible(h, caller, id));
    }

    public PageQuery.Page<Webhook> list(Principal caller, ListQuery query, boolean allUsers, boolean withCount) {
        boolean everyone = caller.admin() && allUsers;
        return webhooks.list(
                everyone ? Optional.empty() : Optional.of(caller.userId()),
                everyone ? Optional.empty() : Optional.of(caller.projectId()),
                query,
                withCount);
    }

    /**
     * Replaces the name, URL, events and stream. Without a {@code sharedSecret} the stored one stays: it is never
     * returned, so a webhook read back and sent again must not lose it; an empty one removes it.
     */
    public Webhook update(Principal caller, String id, WebhookInput input) {
        validate(input);
        return webhooks.jdbi().inTransaction(h -> {
            visible(h, caller, id);
            webhooks.replace(
                    h,
                    id,
                    input.name(),
                    input.url(),
                    List.copyOf(input.events()),
                    input.sharedSecret(),
                    input.streamId());
            return webhooks.find(h, id).orElseThrow();
        });
    }

    /** Soft delete: the webhook disappears and its undelivered events are dropped. Answers it as it was. */
    public Webhook delete(Principal caller, String id) {
        return webhooks.jdbi().inTransaction(h -> {
            var webhook = visible(h, caller, id);
            long now = clock.millis();
            webhooks.markDeleted(h, id, now);
            deliveries.dropPending(h, id, now);
            return webhook;
        });
    }

    public PageQuery.Page<WebhookLog> logs(Principal caller, String id, ListQuery query, boolean withCount) {
        get(caller, id);
        return logs.list(id, query, withCount);
    }

    public WebhookLog log(Principal caller, String id, String logId) {
        get(caller, id);
        return logs.find(id, logId).orElseThrow(SpoolException::notFound);
    }

    /**
     * Sends a logged request once more, to the logged URL, with a fresh timestamp signed with the webhook's current
     * secret; the new attempt is logged (and answered) whatever its outcome.
     */
    public WebhookLog resend(Principal caller, String id, String logId) {
        var logged = log(caller, id, logId);
        var target = webhooks.target(id).orElseThrow(SpoolException::notFound);
        var body = (ObjectNode) Json.tree(logged.request().body());
        Attempt attempt;
        try {
            attempt = sender.send(
                    logged.request().url(),
                    target.sharedSecret(),
                    timestamp -> body.deepCopy().put("timestamp", timestamp));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpoolException(SpoolException.Kind.UNAVAILABLE, "interrupted", "the server is stopping");
        }
        return webhooks.jdbi()
                .inTransaction(h -> logs.record(h, id, body.path("id").asText(), logged.event(), attempt))
                .orElseThrow(() -> SpoolException.invalid("url", attempt.error()));
    }

    /**
     * Asks the owner's webhook whether a viewer holding {@code accessKey} may play: a signed POST of
     * {@code {accessKey, context, timestamp}}; a 2xx answer allows, any other answer denies, and no answer (a
     * deleted or foreign webhook, a refused address, an error, a timeout) comes back as an error.
     */
    @Override
    public Answer ask(String userId, String projectId, String webhookId, String accessKey, JsonNode context)
            throws InterruptedException {
        var webhook = webhooks.jdbi()
                .withHandle(h -> webhooks.find(h, webhookId))
                .filter(w -> w.userId().equals(userId) && w.projectId().equals(projectId));
        var target = webhook.flatMap(w -> webhooks.target(webhookId));
        if (target.isEmpty()) {
            return new Answer(false, "its webhook " + webhookId + " does not exist");
        }
        var attempt = sender.send(target.get().url(), target.get().sharedSecret(), timestamp -> {
            var body = Json.mapper().createObjectNode();
            body.put("accessKey", accessKey);
            body.set("context", context == null ? Json.mapper().createObjectNode() : context);
            body.put("timestamp", timestamp);
            return body;
        });
        if (attempt.status() == null) {
            return new Answer(false, attempt.error());
        }
        return new Answer(attempt.success(), null);
    }

    private Webhook visible(Handle h, Principal caller, String id) {
        return webhooks.find(h, id)
                .filter(w -> caller.canSee(w.userId(), w.projectId()))
                .orElseThrow(SpoolException::notFound);
    }

    private void validate(WebhookInput input) {
        if (input.name() == null || input.name().isBlank()) {
            throw SpoolException.invalid("name", "is required");
        }
        if (input.url() == null || input.url().isBlank()) {
            throw SpoolException.invalid("url", "is required");
        }
        FieldLimits.check("name", input.name(), FieldLimits.NAME);
        FieldLimits.check("url", input.url(), FieldLimits.URL);
        FieldLimits.check("sharedSecret", input.sharedSecret(), FieldLimits.NAME);
        FieldLimits.check("streamId", input.streamId(), FieldLimits.NAME);
        checkUrl(input.url());
        if (input.events() == null) {
            throw SpoolException.invalid("events", "is required: the list of events to subscribe to");
        }
        for (int i = 0; i < input.events().size(); i++) {
            String event = input.events().get(i);
            if (!Webhook.EVENTS.contains(event)) {
                throw SpoolException.invalid(
                        "events[" + i + "]",
                        "'" + event + "' is not a webhook event; use " + String.join(", ", Webhook.EVENTS));
            }
        }
    }

    /** An absolute http(s) URL with a host, whose address deliveries may reach. */
    private void checkUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw SpoolException.invalid("url", "'" + url + "' is not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((!scheme.equals("http") && !scheme.equals("https")) || uri.getHost() == null) {
            throw SpoolException.invalid("url", "'" + url + "' must be an http:// or https:// URL with a host");
        }
        try {
            guard.check(uri);
        } catch (FetchException e) {
            // A host that does not resolve today may tomorrow: deliveries to it fail and are retried.
            if (!e.code().equals(FetchException.SOURCE_UNREACHABLE)) {
                throw SpoolException.invalid("url", WebhookSender.refusal(uri.getHost()));
            }
        }
    }
}
