package dev.spool.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Sends one body to an http(s) URL in one request, streamed from an {@link InputStream} with a known length (never
 * held in memory), and answers what the destination said. Redirects are not followed: the body cannot be replayed.
 */
public final class HttpUpload {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** The destination's status and body (bodies of answers are small: an acknowledgement or an error). */
    public record Answer(int status, String body) {
        public boolean ok() {
            return status >= 200 && status <= 299;
        }

        /**
         * Nothing when the request succeeded; otherwise the failure a task reports: statuses that may pass (5xx,
         * 408, 429) are retriable, every other one is final.
         */
        public void requireOk(String destination) throws DestinationException {
            if (ok()) {
                return;
            }
            String message = destination + " answered HTTP " + status;
            if (status >= 500 || status == 408 || status == 429) {
                throw DestinationException.retriable(DestinationException.UNAVAILABLE, message, null);
            }
            throw DestinationException.unretriable(DestinationException.REJECTED, message);
        }
    }

    private final AddressGuard guard;
    private final Duration timeout;

    /**
     * @param guard   checks the destination's address; an operator-configured service passes one that allows all
     * @param timeout longest the whole exchange may take
     */
    public HttpUpload(AddressGuard guard, Duration timeout) {
        this.guard = guard;
        this.timeout = timeout;
    }

    /**
     * Sends a file the way a caller's export asks: {@code method} PUT when not given, and {@code contentType} unless
     * the caller's headers set one.
     */
    public Answer export(
            URI url, String method, Map<String, String> headers, String contentType, InputStream body, long length)
            throws DestinationException {
        var all = new java.util.LinkedHashMap<String, String>();
        if (headers == null || headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("content-type"))) {
            all.put("Content-Type", contentType);
        }
        if (headers != null) {
            all.putAll(headers);
        }
        return send(url, method == null || method.isBlank() ? "PUT" : method, all, body, length);
    }

    /**
     * @param method  the HTTP method, any case
     * @param headers request headers, the content type among them
     * @param body    read once to its end; the caller closes it
     */
    public Answer send(URI url, String method, Map<String, String> headers, InputStream body, long length)
            throws DestinationException {
        String shown = UrlMasking.mask(url.toString());
        if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
            throw DestinationException.unretriable(
                    DestinationException.INVALID,
                    "cannot send to " + shown + ": only http and https URLs are supported");
        }
        try {
            guard.check(url);
        } catch (FetchException e) {
            throw new DestinationException(
                    e.retriable() ? DestinationException.UNAVAILABLE : DestinationException.INVALID,
                    e.getMessage(),
                    e.retriable(),
                    e);
        }
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        try {
            HttpRequest request = request(url, method, headers, body, length, shown);
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (HttpConnectTimeoutException e) {
            throw DestinationException.retriable(
                    DestinationException.UNAVAILABLE, "timed out connecting to " + shown, e);
        } catch (HttpTimeoutException e) {
            throw DestinationException.retriable(
                    DestinationException.UNAVAILABLE,
                    shown + " did not take the file within " + HttpDownloader.describe(timeout),
                    e);
        } catch (ConnectException e) {
            throw DestinationException.retriable(
                    DestinationException.UNAVAILABLE,
                    "cannot connect to " + shown + ": " + HttpDownloader.describe(e),
                    e);
        } catch (IOException e) {
            throw DestinationException.retriable(
                    DestinationException.UNAVAILABLE,
                    "sending to " + shown + " failed: " + HttpDownloader.describe(e),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DestinationException.retriable(
                    DestinationException.INTERRUPTED, "interrupted while sending to " + shown, e);
        } finally {
            client.shutdownNow();
        }
    }

    private HttpRequest request(
            URI url, String method, Map<String, String> headers, InputStream body, long length, String shown)
            throws DestinationException {
        HttpRequest.BodyPublisher publisher = length == 0
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> body), length);
        try {
            HttpRequest.Builder builder =
                    HttpRequest.newBuilder(url).timeout(timeout).method(method.toUpperCase(Locale.ROOT), publisher);
            headers.forEach(builder::header);
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw DestinationException.unretriable(
                    DestinationException.INVALID, "cannot send to " + shown + ": " + HttpDownloader.describe(e));
        }
    }
}
