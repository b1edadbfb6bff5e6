package dev.spool.webhook;

import java.util.List;

/**
 * A subscription, in the public shape of Livepeer's webhook. The shared secret is deliberately not part of it: it is
 * write-only, read from the database only to sign a request, so no response can ever carry it.
 */
public record Webhook(
        String id,
        String name,
        String kind,
        String userId,
        String projectId,
        long createdAt,
        List<String> events,
        String url,
        String streamId,
        Status status) {

    static final String KIND = "webhook";

    /** Every event name Livepeer's webhook schema accepts (Spool emits the task and asset ones). */
    static final List<String> EVENTS = List.of(
            "stream.started",
            "stream.detection",
            "stream.idle",
            "recording.ready",
            "recording.started",
            "recording.waiting",
            "multistream.connected",
            "multistream.error",
            "multistream.disconnected",
            "playback.user.new",
            "playback.accessControl",
            "asset.created",
            "asset.updated",
            "asset.failed",
            "asset.ready",
            "asset.deleted",
            "task.spawned",
            "task.updated",
            "task.completed",
            "task.failed");

    /** What the latest attempts did; absent until the first attempt. */
    public record Status(Long lastTriggeredAt, LastFailure lastFailure) {}

    /** The latest failed attempt; {@code response} is the base64 of the start of the receiver's answer. */
    public record LastFailure(long timestamp, String error, String response, Integer statusCode) {}
}
