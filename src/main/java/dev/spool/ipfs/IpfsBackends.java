package dev.spool.ipfs;

import dev.spool.storage.DestinationException;
import java.time.Duration;
import java.util.Optional;

/** Chooses where an IPFS export pins: the caller's Pinata account when they gave credentials, else this server's node. */
public final class IpfsBackends {
    private final Optional<String> nodeApiUrl;
    private final String pinataApiUrl;
    private final Duration timeout;

    public IpfsBackends(Optional<String> nodeApiUrl, String pinataApiUrl, Duration timeout) {
        this.nodeApiUrl = nodeApiUrl;
        this.pinataApiUrl = pinataApiUrl;
        this.timeout = timeout;
    }

    /** @param pinata the caller's credentials, or null */
    public IpfsBackend choose(PinataBackend.Credentials pinata) throws DestinationException {
        if (pinata != null) {
            return new PinataBackend(pinataApiUrl, pinata, timeout);
        }
        return nodeApiUrl
                .<IpfsBackend>map(url -> new KuboBackend(url, timeout))
                .orElseThrow(
                        () -> DestinationException.unretriable(
                                "ipfs_unavailable",
                                "no IPFS node is configured "
                                        + "on this server (SPOOL_IPFS_API_URL); give pinata credentials to pin into your own account"));
    }
}
