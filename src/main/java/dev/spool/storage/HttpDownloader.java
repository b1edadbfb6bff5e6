package dev.spool.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One http(s) download: follows redirects itself so that {@link AddressGuard} sees every hop, maps
 * statuses and network failures to {@link FetchException}s, and streams the body into a file.
 */
final class HttpDownloader {

    private static final Logger log = LoggerFactory.getLogger(HttpDownloader.class);
    private static final String USER_AGENT = "spool-source-fetcher";
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(300, "Multiple Choices"),
            Map.entry(301, "Moved Permanently"),
            Map.entry(302, "Found"),
            Map.entry(303, "See Other"),
            Map.entry(304, "Not Modified"),
            Map.entry(307, "Temporary Redirect"),
            Map.entry(308, "Permanent Redirect"),
            Map.entry(400, "Bad Request"),
            Map.entry(401, "Unauthorized"),
            Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"),
            Map.entry(408, "Request Timeout"),
            Map.entry(410, "Gone"),
            Map.entry(429, "Too Many Requests"),
            Map.entry(451, "Unavailable For Legal Reasons"),
            Map.entry(500, "Internal Server Error"),
            Map.entry(502, "Bad Gateway"),
            Map.entry(503, "Service Unavailable"),
            Map.entry(504, "Gateway Timeout"));

    private final FetchConfig config;
    private final AddressGuard guard;

    HttpDownloader(FetchConfig config, AddressGuard guard) {
        this.config = config;
        this.guard = guard;
    }

    FetchedSource download(URI source, Path target, FetchListener progress) throws FetchException {
        // A client per download: its connections never outlive the download, and shutting it down
        // aborts anything still in flight when the download fails.
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // One long sequential body: HTTP/2 brings nothing here but its flow-control windows.
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        try {
            URI hop = source;
            for (int redirects = 0; ; redirects++) {
                URI request = withoutUserInfo(hop);
                guard.check(request);
                HttpResponse<InputStream> response = send(client, request, authorization(hop, source));
                int status = response.statusCode();
                if (isRedirect(status)) {
                    closeQuietly(response.body());
                    hop = nextHop(request, status, response.headers().firstValue("Location"), redirects);
                    log.debug(
                            "{} redirected ({}) to {}",
                            UrlMasking.mask(request.toString()),
                            status,
                            UrlMasking.mask(hop.toString()));
                    continue;
                }
                if (status < 200 || status > 299) {
                    closeQuietly(response.body());
                    throw statusFailure(status, request);
                }
                return stream(response, request, target, progress);
            }
        } finally {
            client.shutdownNow();
        }
    }

    private HttpResponse<InputStream> send(HttpClient client, URI uri, Optional<String> authorization)
            throws FetchException {
        String shown = UrlMasking.mask(uri.toString());
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(uri).GET().timeout(config.readTimeout()).header("User-Agent", USER_AGENT);
        authorization.ifPresent(value -> builder.header("Authorization", value));
        try {
            return client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw FetchException.retriable(
                    FetchException.SOURCE_UNAVAILABLE,
                    "timed out after " + describe(config.connectTimeout()) + " connecting to " + shown,
                    e);
        } catch (HttpTimeoutException e) {
            throw FetchException.retriable(
                    FetchException.SOURCE_UNAVAILABLE,
                    shown + " sent no response within " + describe(config.readTimeout()),
                    e);
        } catch (ConnectException e) {
            throw FetchException.retriable(
                    FetchException.SOURCE_UNAVAILABLE, "cannot connect to " + shown + ": " + describe(e), e);
        } catch (SSLException e) {
            // Certificate and protocol mismatches are configuration problems of the source; they do
            // not go away within the minutes a task retry waits.
            throw new FetchException(
                    FetchException.SOURCE_UNREACHABLE, "TLS with " + shown + " failed: " + describe(e), false, e);
        } catch (IOException e) {
            throw FetchException.retriable(
                    FetchException.SOURCE_UNAVAILABLE, "fetching " + shown + " failed: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw FetchException.retriable(FetchException.INTERRUPTED, "interrupted while fetching " + shown, e);
        } catch (IllegalArgumentException e) {
            throw FetchException.unretriable(
                    FetchException.INVALID_URL, "cannot request " + shown + ": " + describe(e));
        }
    }

    private FetchedSource stream(HttpResponse<InputStream> response, URI uri, Path target, FetchListener progress)
            throws FetchException {
        String shown = UrlMasking.mask(uri.toString());
        InputStream body = response.body();
        OptionalLong announced = contentLength(response);
        if (announced.isPresent() && announced.getAsLong() > config.maxBytes()) {
            closeQuietly(body);
            throw BoundedCopy.tooLarge(shown, config.maxBytes());
        }
        announced.ifPresent(progress::announced);
        long written;
        try (IdleWatchdog watchdog = IdleWatchdog.watch(body, config.readTimeout())) {
            try {
                written = BoundedCopy.toFile(body, target, config.maxBytes(), shown, total -> {
                    watchdog.touch();
                    progress.written(total);
                });
            } catch (IOException e) {
                if (watchdog.fired()) {
                    throw FetchException.retriable(
                            FetchException.SOURCE_UNAVAILABLE,
                            shown + " stopped sending data for " + describe(config.readTimeout()),
                            e);
                }
                throw FetchException.retriable(
                        FetchException.SOURCE_UNAVAILABLE,
                        "the transfer from " + shown + " broke off: " + describe(e),
                        e);
            }
        } finally {
            closeQuietly(body);
        }
        if (announced.isPresent() && written != announced.getAsLong()) {
            throw FetchException.retriable(
                    FetchException.SOURCE_UNAVAILABLE,
                    "received " + written + " of the " + announced.getAsLong() + " bytes announced by " + shown,
                    null);
        }
        return new FetchedSource(shown, announced, response.headers().firstValue("Content-Type"), written);
    }

    private URI nextHop(URI from, int status, Optional<String> location, int redirectsSoFar) throws FetchException {
        String shown = UrlMasking.mask(from.toString());
        if (location.isEmpty() || location.get().isBlank()) {
            throw FetchException.unretriable(
                    FetchException.SOURCE_REJECTED,
                    "the source answered " + statusText(status) + " without a Location for " + shown);
        }
        if (redirectsSoFar >= config.maxRedirects()) {
            throw FetchException.unretriable(
                    FetchException.TOO_MANY_REDIRECTS,
                    "more than " + config.maxRedirects() + " redirects while fetching, the last from " + shown);
        }
        URI next;
        try {
            next = from.resolve(new URI(location.get().trim()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw FetchException.unretriable(
                    FetchException.REDIRECT_REFUSED,
                    shown + " redirected to an invalid URL: " + UrlMasking.mask(location.get()));
        }
        checkRedirect(from, next);
        return next;
    }

    /** Only http(s) targets, and never from https down to http, which would expose the transfer. */
    static void checkRedirect(URI from, URI to) throws FetchException {
        String scheme = Objects.requireNonNullElse(to.getScheme(), "").toLowerCase(Locale.ROOT);
        String shownFrom = UrlMasking.mask(from.toString());
        String shownTo = UrlMasking.mask(to.toString());
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw FetchException.unretriable(
                    FetchException.REDIRECT_REFUSED,
                    "refusing to follow the redirect from " + shownFrom + " to " + shownTo
                            + ": only http(s) is followed");
        }
        if (scheme.equals("http") && "https".equalsIgnoreCase(from.getScheme())) {
            throw FetchException.unretriable(
                    FetchException.REDIRECT_REFUSED,
                    "refusing to follow the redirect from " + shownFrom + " to " + shownTo
                            + ": it would downgrade https to plain http");
        }
    }

    static FetchException statusFailure(int status, URI uri) {
        String message = "the source answered " + statusText(status) + " for " + UrlMasking.mask(uri.toString());
        if (status == 404 || status == 410) {
            return FetchException.unretriable(FetchException.SOURCE_NOT_FOUND, message);
        }
        // 408 and 429 say "not now" rather than "never", like a 5xx.
        if (status >= 500 || status == 408 || status == 429) {
            return FetchException.retriable(FetchException.SOURCE_UNAVAILABLE, message, null);
        }
        return FetchException.unretriable(FetchException.SOURCE_REJECTED, message);
    }

    private static String statusText(int status) {
        String reason = REASONS.get(status);
        return reason == null ? Integer.toString(status) : status + " " + reason;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /**
     * Credentials in the URL become Basic authentication, as browsers and Go's client do. They are sent
     * only to the origin they were written for, so a redirect cannot carry them to another host.
     */
    private static Optional<String> authorization(URI hop, URI source) {
        if (hop.getRawUserInfo() != null) {
            return Optional.of(basic(hop.getUserInfo()));
        }
        if (source.getRawUserInfo() != null && sameOrigin(hop, source)) {
            return Optional.of(basic(source.getUserInfo()));
        }
        return Optional.empty();
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The URI as sent: no user-info (it travels as a header), no fragment, and at least "/" as path. */
    static URI withoutUserInfo(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null || uri.getHost() == null) {
            return uri;
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            authority = authority.substring(userInfo.length() + 1);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return URI.create(uri.getScheme() + "://" + authority + path + query);
    }

    private static OptionalLong contentLength(HttpResponse<?> response) {
        try {
            return response.headers().firstValueAsLong("Content-Length");
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException ignored) {
            // Closing only cancels the exchange; the outcome is already decided.
        }
    }

    static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
