package dev.spool.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The body of {@code POST /webhook} and {@code PUT /webhook/{id}}: Livepeer's webhook schema. Read-only fields are
 * accepted, as Livepeer accepts them, so that a webhook read back can be sent again, and are ignored.
 */
public record WebhookInput(
        JsonNode id,
        String name,
        JsonNode kind,
        JsonNode userId,
        JsonNode projectId,
        JsonNode createdAt,
        List<String> events,
        String url,
        String sharedSecret,
        String streamId,
        JsonNode status) {}
