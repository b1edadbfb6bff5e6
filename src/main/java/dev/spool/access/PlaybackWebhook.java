package dev.spool.access;

import com.fasterxml.jackson.databind.JsonNode;

/** The owner's webhook, asked whether a viewer holding an access key may play (webhook playback policies). */
public interface PlaybackWebhook {
    /** What the webhook said: {@code error} is null only when it answered at all. */
    record Answer(boolean allowed, String error) {}

    Answer ask(String userId, String projectId, String webhookId, String accessKey, JsonNode context)
            throws InterruptedException;
}
