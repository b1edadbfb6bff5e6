package dev.spool.ipfs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import dev.spool.storage.AddressGuard;
import dev.spool.storage.DestinationException;
import dev.spool.storage.HttpUpload;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Pinata account, through its pinning API ({@code POST /pinning/pinFileToIPFS}). The file is pinned as CIDv0, the
 * version Spool computes to check the answer.
 */
public final class PinataBackend implements IpfsBackend {
    /** A JWT, or an API key and its secret. */
    public record Credentials(String jwt, String apiKey, String apiSecret) {
        public boolean usable() {
            return present(jwt) || (present(apiKey) && present(apiSecret));
        }

        private static boolean present(String value) {
            return value != null && !value.isBlank();
        }
    }

    private final URI endpoint;
    private final Credentials credentials;
    private final HttpUpload http;

    public PinataBackend(String apiUrl, Credentials credentials, Duration timeout) {
        this.endpoint = URI.create(apiUrl.replaceAll("/+$", "") + "/pinning/pinFileToIPFS");
        this.credentials = credentials;
        // the API address is the operator's setting, not the caller's: no address is refused
        this.http = new HttpUpload(new AddressGuard(true), timeout);
    }

    @Override
    public Added add(String name, String contentType, InputStream content, long length) throws DestinationException {
        var metadata = Json.mapper().createObjectNode().put("name", name);
        var form = new MultipartBody()
                .field("pinataOptions", "application/json", "{\"cidVersion\":0}")
                .field("pinataMetadata", "application/json", Json.write(metadata));
        var body = form.withFile("file", name, contentType, content, length);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", form.contentType());
        if (credentials.jwt() != null && !credentials.jwt().isBlank()) {
            headers.put("Authorization", "Bearer " + credentials.jwt());
        } else {
            headers.put("pinata_api_key", credentials.apiKey());
            headers.put("pinata_secret_api_key", credentials.apiSecret());
        }
        HttpUpload.Answer answer = http.send(endpoint, "POST", headers, body.stream(), body.length());
        if (answer.status() == 401 || answer.status() == 403) {
            throw DestinationException.unretriable(
                    DestinationException.REJECTED,
                    "Pinata refused the credentials" + " (HTTP " + answer.status()
                            + "): check pinata.jwt, or pinata.apiKey and pinata.apiSecret");
        }
        answer.requireOk("Pinata");
        JsonNode json = IpfsAnswers.json(answer.body(), "Pinata");
        return new Added(IpfsAnswers.cid(json, "IpfsHash", "Pinata"), json);
    }

    @Override
    public String describe() {
        return "Pinata";
    }
}
