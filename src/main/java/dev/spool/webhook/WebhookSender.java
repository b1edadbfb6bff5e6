package dev.spool.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.json.Json;
import dev.spool.storage.AddressGuard;
import dev.spool.storage.FetchException;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends one signed POST to a webhook URL and reports what happened; it never retries. The signature is
 * {@code Livepeer-Signature: t=<timestamp>,v1=<hex HMAC-SHA256 of the exact body bytes>}, {@code t} being the body's
 * own {@code timestamp}. Redirects are not followed: an answer that is not 2xx is the receiver's answer.
 */
public final class WebhookSender implements AutoCloseable {
    private static final int RESPONSE_CHARS = 1024;
    private static final String USER_AGENT = "Spool";

    private final HttpClient http;
    private final AddressGuard guard;
    private final Duration timeout;
    private final Clock clock;

    public WebhookSender(AddressGuard guard, Duration timeout, Clock clock) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
        this.guard = guard;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * POSTs the body that {@code bodyAt} builds for the send time (its {@code timestamp}), signed with
     * {@code secret} when there is one.
     */
    Attempt send(String url, String secret, LongFunction<ObjectNode> bodyAt) throws InterruptedException {
        long startedAt = clock.millis();
        String body = Json.write(bodyAt.apply(startedAt));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", USER_AGENT);
        if (secret != null && !secret.isEmpty()) {
            headers.put("Livepeer-Signature", "t=" + startedAt + ",v1=" + hmacSha256Hex(secret, bytes));
        }
        var request = new WebhookLog.Request(url, "POST", headers, body);
        long started = System.nanoTime();
        try {
            guard.check(URI.create(url));
        } catch (FetchException e) {
            boolean refused = !e.code().equals(FetchException.SOURCE_UNREACHABLE);
            String error = refused ? refusal(URI.create(url).getHost()) : e.getMessage();
            return new Attempt(request, startedAt, seconds(started), null, null, null, error, null, refused);
        }
        var builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        headers.forEach(builder::header);
        var answer = http.sendAsync(builder.build(), info -> new ResponseStart(RESPONSE_CHARS));
        try {
            // One deadline for connecting, the answer and the start of its body.
            var response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            int status = response.statusCode();
            String error =
                    status >= 200 && status < 300 ? null : "the receiver answered " + status + " " + statusText(status);
            return new Attempt(
                    request,
                    startedAt,
                    seconds(started),
                    status,
                    statusText(status),
                    response.body(),
                    error,
                    retryAfter(response.headers()),
                    false);
        } catch (TimeoutException e) {
            answer.cancel(true);
            return failed(request, startedAt, started, "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof HttpTimeoutException) {
                return failed(request, startedAt, started, "no answer within " + timeout.toMillis() + " ms");
            }
            String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return failed(request, startedAt, started, "the request failed: " + why);
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        }
    }

    private static Attempt failed(WebhookLog.Request request, long startedAt, long startedNanos, String error) {
        return new Attempt(request, startedAt, seconds(startedNanos), null, null, null, error, null, false);
    }

    static String refusal(String host) {
        return "refusing to call " + host + ": it is a loopback, private, link-local or metadata address; "
                + "set SPOOL_WEBHOOK_ALLOW_PRIVATE=true to allow private addresses";
    }

    private static String statusText(int status) {
        return HttpStatus.forStatus(status).getMessage();
    }

    /** Retry-After as seconds or as an HTTP date; absent or unreadable means none. */
    private Duration retryAfter(HttpHeaders headers) {
        var value = headers.firstValue("Retry-After").map(String::trim).orElse("");
        if (value.isEmpty()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException e) {
            try {
                var at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                var wait = Duration.between(clock.instant(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    static String hmacSha256Hex(String secret, byte[] message) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
