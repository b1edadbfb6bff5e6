package dev.spool.ipfs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.storage.DestinationException;
import java.io.InputStream;

/** A service that adds a file to IPFS and pins it: the caller's Pinata account or the operator's kubo node. */
public interface IpfsBackend {

    /** What the service said: the CID it gave the file, and its whole answer. */
    record Added(String cid, JsonNode answer) {}

    /**
     * Sends {@code content} (read once to its end, not closed) to be added and pinned under {@code name}.
     *
     * @throws DestinationException retriable when the service is unavailable, final when it refuses the request
     */
    Added add(String name, String contentType, InputStream content, long length) throws DestinationException;

    /** Names the service in messages, e.g. {@code Pinata}. */
    String describe();
}
