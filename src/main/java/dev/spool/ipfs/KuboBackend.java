package dev.spool.ipfs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.storage.AddressGuard;
import dev.spool.storage.DestinationException;
import dev.spool.storage.HttpUpload;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * The operator's IPFS node, through kubo's RPC API ({@code POST /api/v0/add}), which adds and pins the file with
 * kubo's default chunking and CID version, the ones Spool computes to check the answer.
 */
public final class KuboBackend implements IpfsBackend {
    private final URI endpoint;
    private final String shown;
    private final HttpUpload http;

    public KuboBackend(String apiUrl, Duration timeout) {
        String base = apiUrl.replaceAll("/+$", "");
        this.endpoint = URI.create(base + "/api/v0/add?pin=true&cid-version=0&progress=false");
        this.shown = "the IPFS node at " + base;
        // the node's address is the operator's setting, not the caller's: no address is refused
        this.http = new HttpUpload(new AddressGuard(true), timeout);
    }

    @Override
    public Added add(String name, String contentType, InputStream content, long length) throws DestinationException {
        var form = new MultipartBody();
        var body = form.withFile("file", name, contentType, content, length);
        HttpUpload.Answer answer =
                http.send(endpoint, "POST", Map.of("Content-Type", form.contentType()), body.stream(), body.length());
        answer.requireOk(shown);
        // one JSON object per added entry, one per line; a single file gives one
        String last = answer.body()
                .lines()
                .filter(line -> !line.isBlank())
                .reduce((a, b) -> b)
                .orElse("");
        JsonNode json = IpfsAnswers.json(last, shown);
        return new Added(IpfsAnswers.cid(json, "Hash", shown), json);
    }

    @Override
    public String describe() {
        return shown;
    }
}
