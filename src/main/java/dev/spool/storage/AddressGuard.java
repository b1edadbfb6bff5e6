package dev.spool.storage;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Refuses to let user-supplied URLs reach this machine, its private network or a cloud metadata
 * service (server-side request forgery). Imports and webhook deliveries call {@link #check(URI)}
 * immediately before every request and every redirect hop.
 *
 * <p>A host name is resolved and <em>every</em> address it has is checked, so a name that mixes a
 * public and a private address is refused. The check cannot pin the address the HTTP client then
 * connects to: {@code java.net.http} resolves the host again itself and offers no per-client resolver,
 * and connecting to the checked IP literal instead would break the Host header (restricted in
 * {@code java.net.http}) and TLS name verification. The residual DNS-rebinding window is small: the
 * client's lookup follows this one within milliseconds and is answered from the JVM's address cache
 * ({@code networkaddress.cache.ttl}, 30 s by default), which holds the answer checked here. An
 * operator who sets that TTL to 0 widens the window.
 */
public final class AddressGuard {

    /** Resolves a host name to all its addresses; replaceable so tests can stand in for DNS. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final String LOOPBACK = "loopback address";
    private static final String PRIVATE = "private address";
    private static final String LINK_LOCAL = "link-local address";
    private static final String UNSPECIFIED = "unspecified address";
    private static final String MULTICAST = "multicast address";
    private static final String SHARED = "carrier-grade NAT address";
    private static final String RESERVED = "reserved address";
    private static final String METADATA = "cloud metadata address";
    private static final String DOCUMENTATION = "documentation address";
    private static final String BENCHMARKING = "benchmarking address";
    private static final String ZONED = "zone-scoped address";

    private final boolean allowPrivate;
    private final Resolver resolver;

    public AddressGuard(boolean allowPrivate) {
        this(allowPrivate, InetAddress::getAllByName);
    }

    AddressGuard(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /**
     * Resolves the URI's host and throws unless every address is allowed. Even when private addresses
     * are allowed the host is resolved, so an unknown host fails the same way in both modes.
     *
     * @throws FetchException {@code address_refused} for a refused address, {@code source_unreachable}
     *     when the host does not resolve (both unretriable), {@code invalid_url} without a host
     */
    public void check(URI uri) throws FetchException {
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw FetchException.unretriable(
                    FetchException.INVALID_URL, "the URL " + UrlMasking.mask(uri.toString()) + " has no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!allowPrivate && host.indexOf('%') >= 0) {
            // A zone (fe80::1%eth0) only means something for link-local addresses, on this machine's interfaces.
            throw refused(host, ZONED);
        }
        if (!allowPrivate) {
            Optional<String> byName = refusalReason(host);
            if (byName.isPresent()) {
                throw refused(host, byName.get());
            }
        }
        InetAddress[] addresses = resolve(host);
        if (allowPrivate) {
            return;
        }
        for (InetAddress address : addresses) {
            Optional<String> reason = refusalReason(address);
            if (reason.isPresent()) {
                String why = isIpLiteral(host) ? reason.get() : address.getHostAddress() + ", " + reason.get();
                throw refused(host, why);
            }
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    private InetAddress[] resolve(String host) throws FetchException {
        try {
            InetAddress[] addresses = resolver.resolve(host);
            if (addresses.length == 0) {
                throw new UnknownHostException(host);
            }
            return addresses;
        } catch (UnknownHostException e) {
            // The JDK cannot tell NXDOMAIN from a failing resolver; a misspelt host is by far the more
            // common cause, and retrying it would only delay the inevitable failure by minutes.
            throw FetchException.unretriable(FetchException.SOURCE_UNREACHABLE, "cannot resolve host " + host);
        }
    }

    private static FetchException refused(String shown, String reason) {
        return FetchException.unretriable(
                FetchException.ADDRESS_REFUSED,
                "refusing to import from " + shown + " (" + reason + "); set SPOOL_IMPORT_ALLOW_PRIVATE=true"
                        + " to allow private addresses");
    }

    /** Names that must be refused before any lookup: they may resolve differently on this machine. */
    static Optional<String> refusalReason(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return Optional.of(LOOPBACK);
        }
        if (name.equals("metadata.google.internal")) {
            return Optional.of(METADATA);
        }
        return Optional.empty();
    }

    /** Why an address is refused (loopback, private, documentation, ...), or empty for a public address. */
    public static Optional<String> refusalReason(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? ipv4Reason(b, 0) : ipv6Reason(b);
    }

    private static Optional<String> ipv4Reason(byte[] bytes, int offset) {
        int a = bytes[offset] & 0xff;
        int b = bytes[offset + 1] & 0xff;
        int c = bytes[offset + 2] & 0xff;
        int d = bytes[offset + 3] & 0xff;
        String reason = null;
        if (a == 169 && b == 254 && c == 169 && d == 254) {
            reason = METADATA;
        } else if (a == 0) {
            reason = UNSPECIFIED;
        } else if (a == 127) {
            reason = LOOPBACK;
        } else if (a == 10 || (a == 172 && (b & 0xf0) == 16) || (a == 192 && b == 168)) {
            reason = PRIVATE;
        } else if (a == 169 && b == 254) {
            reason = LINK_LOCAL;
        } else if (a == 100 && (b & 0xc0) == 64) {
            reason = SHARED;
        } else if ((a & 0xf0) == 224) {
            reason = MULTICAST;
        } else if ((a & 0xf0) == 240 || (a == 192 && b == 0 && c == 0) || (a == 192 && b == 88 && c == 99)) {
            // 240/4 (with the broadcast address), IETF protocol assignments, the retired 6to4 relay anycast.
            reason = RESERVED;
        } else if ((a == 192 && b == 0 && c == 2)
                || (a == 198 && b == 51 && c == 100)
                || (a == 203 && b == 0 && c == 113)) {
            reason = DOCUMENTATION;
        } else if (a == 198 && (b & 0xfe) == 18) {
            reason = BENCHMARKING;
        }
        return Optional.ofNullable(reason);
    }

    private static Optional<String> ipv6Reason(byte[] b) {
        if (isEc2Metadata(b)) {
            return Optional.of(METADATA);
        }
        if (allZero(b, 0, 10)) {
            boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            if (mapped) {
                return ipv4Reason(b, 12);
            }
            if (allZero(b, 10, 15)) {
                if (b[15] == 0) {
                    return Optional.of(UNSPECIFIED);
                }
                if (b[15] == 1) {
                    return Optional.of(LOOPBACK);
                }
            }
            if (allZero(b, 10, 12)) {
                // Deprecated IPv4-compatible form ::a.b.c.d, which some stacks still route as IPv4.
                return ipv4Reason(b, 12);
            }
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that a gateway may reach.
        if (first == 0x00 && second == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12)) {
            return ipv4Reason(b, 12);
        }
        if (first == 0x20 && second == 0x02) {
            return ipv4Reason(b, 2);
        }
        Optional<String> special = ipv6SpecialPurpose(b);
        if (special.isPresent()) {
            return special;
        }
        if ((first & 0xfe) == 0xfc) {
            return Optional.of(PRIVATE);
        }
        if (first == 0xfe && (second & 0xc0) == 0x80) {
            return Optional.of(LINK_LOCAL);
        }
        if (first == 0xfe && (second & 0xc0) == 0xc0) {
            // Deprecated site-local fec0::/10, the old IPv6 equivalent of the private ranges.
            return Optional.of(PRIVATE);
        }
        if (first == 0xff) {
            return Optional.of(MULTICAST);
        }
        return Optional.empty();
    }

    /**
     * The IANA IPv6 special-purpose ranges not reachable on the Internet: local-use NAT64 64:ff9b:1::/48, discard
     * 100::/64 and the dummy prefix 100:0:0:1::/64, IETF protocol assignments 2001::/23 (Teredo, benchmarking,
     * ORCHID), documentation 2001:db8::/32 and 3fff::/20, SRv6 SIDs 5f00::/16.
     */
    private static Optional<String> ipv6SpecialPurpose(byte[] b) {
        int w0 = word(b, 0);
        int w1 = word(b, 1);
        if (w0 == 0x64 && w1 == 0xff9b && word(b, 2) == 1) {
            return Optional.of(RESERVED);
        }
        if (w0 == 0x100 && w1 == 0 && word(b, 2) == 0 && word(b, 3) <= 1) {
            return Optional.of(RESERVED);
        }
        if (w0 == 0x2001 && w1 == 0xdb8 || (w0 & 0xfff0) == 0x3ff0) {
            return Optional.of(DOCUMENTATION);
        }
        if (w0 == 0x2001 && w1 < 0x200) {
            return Optional.of(RESERVED);
        }
        if (w0 == 0x5f00) {
            return Optional.of(RESERVED);
        }
        return Optional.empty();
    }

    private static int word(byte[] b, int index) {
        return (b[2 * index] & 0xff) << 8 | (b[2 * index + 1] & 0xff);
    }

    /** fd00:ec2::254, the IPv6 address of the EC2 instance metadata service. */
    private static boolean isEc2Metadata(byte[] b) {
        return (b[0] & 0xff) == 0xfd
                && b[1] == 0
                && (b[2] & 0xff) == 0x0e
                && (b[3] & 0xff) == 0xc2
                && allZero(b, 4, 14)
                && (b[14] & 0xff) == 0x02
                && (b[15] & 0xff) == 0x54;
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
