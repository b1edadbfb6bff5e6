package dev.spool.storage;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a user's source media into a local file: {@code http(s)://}, {@code ipfs://CID[/path]} and
 * {@code ar://TXID} through configured gateways, and {@code s3+http(s)://KEY:SECRET@host/bucket/key}.
 * Bodies are streamed, never held in memory; every host contacted, redirects included, passes
 * {@link AddressGuard} first. Thread-safe: one instance serves concurrent fetches.
 */
public final class SourceFetcher {

    private static final Logger log = LoggerFactory.getLogger(SourceFetcher.class);
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
    private static final Pattern IPFS_ID = Pattern.compile("[A-Za-z0-9]+");
    private static final Pattern ARWEAVE_ID = Pattern.compile("[A-Za-z0-9_-]+");

    private final FetchConfig config;
    private final HttpDownloader http;
    private final S3Downloader s3;

    public SourceFetcher(FetchConfig config) {
        this(config, new AddressGuard(config.allowPrivate()));
    }

    SourceFetcher(FetchConfig config, AddressGuard guard) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = new HttpDownloader(config, guard);
        this.s3 = new S3Downloader(config, guard);
    }

    /**
     * Fetches {@code url} into {@code target}, replacing what the file held. When this throws, the
     * target does not exist, so no partial source is ever mistaken for a whole one.
     *
     * @param progress told the length the source announces and the number of bytes written so far
     * @throws FetchException with a code from {@link FetchException}, a message safe to show the user,
     *                        and whether a later attempt may succeed
     */
    public FetchedSource fetch(String url, Path target, FetchListener progress) throws FetchException {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(progress, "progress");
        String trimmed = url.trim();
        log.info("fetching source {}", UrlMasking.mask(trimmed));
        try {
            FetchedSource fetched = dispatch(trimmed, target, progress);
            if (fetched.bytesWritten() == 0) {
                // Same words as the hosted service, whose error humanisation keys on them.
                throw FetchException.unretriable(
                        FetchException.EMPTY_SOURCE, "zero bytes found for source " + fetched.finalUrl());
            }
            log.info("fetched {} bytes from {}", fetched.bytesWritten(), fetched.finalUrl());
            return fetched;
        } catch (FetchException | RuntimeException e) {
            deleteQuietly(target);
            throw e;
        }
    }

    private FetchedSource dispatch(String url, Path target, FetchListener progress) throws FetchException {
        return switch (scheme(url)) {
            case "http", "https" -> http.download(parseHttp(url), target, progress);
            case "s3+http", "s3+https" -> s3.download(S3SourceUrl.parse(url), target, progress);
            case "ipfs" ->
                viaGateways("IPFS", config.ipfsGateways(), contentPath(url, "ipfs", IPFS_ID), url, target, progress);
            case "ar" ->
                viaGateways(
                        "Arweave", config.arweaveGateways(), contentPath(url, "ar", ARWEAVE_ID), url, target, progress);
            default ->
                throw FetchException.unretriable(
                        FetchException.UNSUPPORTED_URL,
                        "cannot import from " + UrlMasking.mask(url)
                                + ": supported are http(s)://, s3+http(s)://, ipfs:// and ar:// URLs");
        };
    }

    private static URI parseHttp(String url) throws FetchException {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            throw FetchException.unretriable(
                    FetchException.INVALID_URL, "cannot read the URL " + UrlMasking.mask(url) + ": " + e.getReason());
        }
    }

    /**
     * The part of an {@code ipfs://} or {@code ar://} URL that goes after a gateway prefix: the content
     * id and any path or query. A leading {@code ipfs/} is tolerated, as users often write it.
     */
    static String contentPath(String url, String scheme, Pattern idPattern) throws FetchException {
        String rest = url.substring(scheme.length() + 1);
        if (!rest.startsWith("//")) {
            throw invalidContentUrl(url, "expected " + scheme + "://");
        }
        rest = rest.substring(2);
        if (scheme.equals("ipfs") && rest.startsWith("ipfs/")) {
            rest = rest.substring("ipfs/".length());
        }
        int idEnd = rest.length();
        for (char separator : new char[] {'/', '?', '#'}) {
            int at = rest.indexOf(separator);
            if (at >= 0 && at < idEnd) {
                idEnd = at;
            }
        }
        String id = rest.substring(0, idEnd);
        if (!idPattern.matcher(id).matches()) {
            throw invalidContentUrl(url, "'" + id + "' is not a content id");
        }
        int fragment = rest.indexOf('#');
        return fragment >= 0 ? rest.substring(0, fragment) : rest;
    }

    private FetchedSource viaGateways(
            String network, List<String> gateways, String contentPath, String url, Path target, FetchListener progress)
            throws FetchException {
        if (gateways.isEmpty()) {
            throw FetchException.unretriable(
                    FetchException.UNSUPPORTED_URL,
                    "cannot import " + UrlMasking.mask(url) + ": no " + network + " gateway is configured");
        }
        FetchException last = null;
        for (String gateway : gateways) {
            URI uri;
            try {
                uri = new URI(gateway + contentPath);
            } catch (URISyntaxException e) {
                throw invalidContentUrl(url, e.getReason());
            }
            try {
                return http.download(uri, target, progress);
            } catch (FetchException e) {
                if (!e.retriable() || e.code().equals(FetchException.INTERRUPTED)) {
                    throw e;
                }
                log.warn(
                        "{} gateway {} failed for {}: {}",
                        network,
                        UrlMasking.mask(gateway),
                        UrlMasking.mask(url),
                        e.getMessage());
                last = e;
            }
        }
        throw new FetchException(
                last.code(),
                "all " + gateways.size() + " " + network + " gateways failed for " + UrlMasking.mask(url)
                        + "; the last said: " + last.getMessage(),
                true,
                last);
    }

    /**
     * Whether {@code url} is fetched in one response written front to back: http(s) and S3 sources are; content
     * addresses may be fetched again from the start from another gateway.
     */
    public static boolean writtenInOrder(String url) {
        return switch (scheme(url.trim())) {
            case "http", "https", "s3+http", "s3+https" -> true;
            default -> false;
        };
    }

    private static String scheme(String url) {
        var matcher = SCHEME.matcher(url);
        return matcher.find() ? matcher.group(1).toLowerCase(Locale.ROOT) : "";
    }

    private static FetchException invalidContentUrl(String url, String why) {
        return FetchException.unretriable(
                FetchException.INVALID_URL, "cannot read the URL " + UrlMasking.mask(url) + ": " + why);
    }

    private static void deleteQuietly(Path target) {
        try {
            Files.deleteIfExists(target);
        } catch (IOException e) {
            log.warn("cannot remove the partial source {}: {}", target.getFileName(), e.toString());
        }
    }
}
