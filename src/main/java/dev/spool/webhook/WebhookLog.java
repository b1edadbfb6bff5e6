package dev.spool.webhook;

import java.util.Map;

/**
 * One request sent to a webhook, in the public shape of Livepeer's webhook-log. {@code response} is absent when no
 * answer came (a network error or a timeout); its body is the base64 of the answer's first 1024 characters.
 */
public record WebhookLog(
        String id,
        String webhookId,
        String event,
        long createdAt,
        double duration,
        boolean success,
        Request request,
        Response response) {

    public record Request(String url, String method, Map<String, String> headers, String body) {}

    public record Response(String body, Integer status, String statusText) {}
}
