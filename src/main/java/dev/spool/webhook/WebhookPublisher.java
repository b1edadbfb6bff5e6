package dev.spool.webhook;

import dev.spool.asset.Asset;
import dev.spool.asset.AssetEvent;
import dev.spool.asset.AssetObserver;
import dev.spool.asset.AssetUrls;
import dev.spool.concurrent.WakeUp;
import dev.spool.json.Json;
import dev.spool.task.Task;
import dev.spool.task.TaskEvent;
import dev.spool.task.TaskObserver;
import java.time.Clock;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Turns task and asset state changes into deliveries, inside the transaction of the change: one row per live
 * webhook of the same owner and project that subscribes to the event. A change that rolls back publishes nothing;
 * one that commits loses nothing. A cancelled task is reported as {@code task.failed}: Livepeer's event list has
 * no cancellation, and a subscriber waiting for the task's end must still hear of it.
 */
public final class WebhookPublisher implements TaskObserver, AssetObserver {
    private final WebhookRepository webhooks;
    private final Deliveries deliveries;
    private final AssetUrls urls;
    private final WakeUp wakeUp;
    private final Clock clock;

    public WebhookPublisher(
            WebhookRepository webhooks, Deliveries deliveries, AssetUrls urls, WakeUp wakeUp, Clock clock) {
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.urls = urls;
        this.wakeUp = wakeUp;
        this.clock = clock;
    }

    /** {@code payload} of a task event: {@code success} only on the task's end. */
    record TaskPayload(Boolean success, Subject task) {}

    record AssetPayload(Subject asset) {}

    /** The resource an event is about, with its public snapshot after the change. */
    record Subject(String id, String type, Object snapshot) {}

    @Override
    public void changed(Handle h, Task task, TaskEvent.Kind kind) {
        String event = switch (kind) {
            case SPAWNED -> "task.spawned";
            case UPDATED -> "task.updated";
            case COMPLETED -> "task.completed";
            case FAILED, CANCELLED -> "task.failed";
        };
        Boolean success = switch (kind) {
            case COMPLETED -> true;
            case FAILED, CANCELLED -> false;
            case SPAWNED, UPDATED -> null;
        };
        var subject = new Subject(task.id(), task.type().wire(), task.viewFor(false));
        publish(h, task.userId(), task.projectId(), task.id(), event, new TaskPayload(success, subject));
    }

    @Override
    public void changed(Handle h, Asset asset, AssetEvent event) {
        var subject = new Subject(asset.id(), null, urls.publicView(asset));
        publish(h, asset.userId(), asset.projectId(), asset.id(), event.wire(), new AssetPayload(subject));
    }

    private void publish(Handle h, String userId, String projectId, String resourceId, String event, Object payload) {
        var subscribers = webhooks.subscribers(h, userId, projectId, event);
        if (subscribers.isEmpty()) {
            return;
        }
        String eventId = UUID.randomUUID().toString();
        String json = Json.write(payload);
        long now = clock.millis();
        for (String webhookId : subscribers) {
            deliveries.insert(h, webhookId, eventId, event, resourceId, json, now);
        }
        h.afterCommit(wakeUp::wake);
    }
}
