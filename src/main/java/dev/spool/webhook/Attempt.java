package dev.spool.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * What one POST to a webhook did: the request as sent, and the answer (status, its text, the start of its body and
 * any Retry-After) or why there was none. {@code refused} means the request never left: the address is not allowed.
 */
record Attempt(
        WebhookLog.Request request,
        long startedAt,
        double duration,
        Integer status,
        String statusText,
        String responseBody,
        String error,
        Duration retryAfter,
        boolean refused) {

    boolean success() {
        return status != null && status >= 200 && status < 300;
    }

    /** Network errors, timeouts, 5xx and 429 may pass; other answers, and refused addresses, will not. */
    boolean retriable() {
        return !refused && !success() && (status == null || status >= 500 || status == 429);
    }

    WebhookLog toLog(String id, String webhookId, String event) {
        var response = status == null ? null : new WebhookLog.Response(base64(responseBody), status, statusText);
        return new WebhookLog(id, webhookId, event, startedAt, duration, success(), request, response);
    }

    Webhook.LastFailure failure() {
        return new Webhook.LastFailure(startedAt, error, status == null ? null : base64(responseBody), status);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
