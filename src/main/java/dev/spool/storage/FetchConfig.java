package dev.spool.storage;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@link SourceFetcher} fetches sources.
 *
 * @param allowPrivate    allow loopback, private, link-local and metadata addresses (tests, trusted networks)
 * @param maxBytes        largest source accepted, checked against Content-Length and while streaming
 * @param connectTimeout  limit for opening a connection
 * @param readTimeout     limit for waiting for response headers, and for any pause while the body streams
 * @param maxRedirects    redirects followed before giving up
 * @param ipfsGateways    gateway prefixes an {@code ipfs://CID/path} is appended to, tried in order
 * @param arweaveGateways gateway prefixes an {@code ar://TXID} is appended to, tried in order
 */
public record FetchConfig(
        boolean allowPrivate,
        long maxBytes,
        Duration connectTimeout,
        Duration readTimeout,
        int maxRedirects,
        List<String> ipfsGateways,
        List<String> arweaveGateways) {

    /** The input limit of the Livepeer pipeline. */
    public static final long DEFAULT_MAX_BYTES = 30L * 1024 * 1024 * 1024;

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_REDIRECTS = 5;
    public static final List<String> DEFAULT_IPFS_GATEWAYS =
            List.of("https://ipfs.io/ipfs/", "https://w3s.link/ipfs/", "https://dweb.link/ipfs/");
    public static final List<String> DEFAULT_ARWEAVE_GATEWAYS = List.of("https://arweave.net/");

    public FetchConfig {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        if (maxRedirects < 0) {
            throw new IllegalArgumentException("maxRedirects must not be negative, got " + maxRedirects);
        }
        ipfsGateways = normaliseGateways(ipfsGateways, "ipfsGateways");
        arweaveGateways = normaliseGateways(arweaveGateways, "arweaveGateways");
    }

    public static FetchConfig defaults() {
        return new FetchConfig(
                false,
                DEFAULT_MAX_BYTES,
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_READ_TIMEOUT,
                DEFAULT_MAX_REDIRECTS,
                DEFAULT_IPFS_GATEWAYS,
                DEFAULT_ARWEAVE_GATEWAYS);
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + duration);
        }
    }

    /** Gateways are prefixes, so each must be an http(s) URL ending in a slash; a missing slash is added. */
    private static List<String> normaliseGateways(List<String> gateways, String name) {
        Objects.requireNonNull(gateways, name);
        return gateways.stream()
                .map(gateway -> {
                    URI uri = URI.create(gateway);
                    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                        throw new IllegalArgumentException(
                                name + " must be http(s) URLs, got " + UrlMasking.mask(gateway));
                    }
                    return gateway.endsWith("/") ? gateway : gateway + "/";
                })
                .toList();
    }
}
