package dev.spool.ipfs;

import dev.spool.storage.DestinationException;
import java.io.InputStream;

/**
 * Pins a file through a backend and checks the answer: Spool computes the file's CID from the bytes it sends, and
 * a service that names the file otherwise (other chunking, other CID version, other bytes) fails the export.
 */
public final class IpfsPins {
    private IpfsPins() {}

    /** @return the backend's answer, whose CID is the one Spool computed */
    public static IpfsBackend.Added pin(
            IpfsBackend backend, String name, String contentType, InputStream content, long length)
            throws DestinationException {
        CidCountingStream counted = new CidCountingStream(content);
        IpfsBackend.Added added = backend.add(name, contentType, counted, length);
        if (counted.count() != length) {
            throw DestinationException.retriable(
                    DestinationException.UNAVAILABLE,
                    backend.describe() + " answered after receiving " + counted.count() + " of " + length + " bytes",
                    null);
        }
        String own = counted.cid();
        if (!own.equals(added.cid())) {
            throw DestinationException.unretriable(
                    "cid_mismatch",
                    backend.describe() + " answered CID "
                            + added.cid() + " for " + name + ", but its bytes have CID " + own
                            + " (UnixFS, 256 KiB chunks, CIDv0); the pin cannot be trusted");
        }
        return added;
    }
}
