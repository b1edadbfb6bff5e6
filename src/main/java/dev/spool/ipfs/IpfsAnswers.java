package dev.spool.ipfs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import dev.spool.storage.DestinationException;

/** Reads an IPFS service's JSON answer; an answer that does not say what it should is a retriable failure. */
final class IpfsAnswers {
    private IpfsAnswers() {}

    static JsonNode json(String body, String service) throws DestinationException {
        try {
            JsonNode json = Json.mapper().readTree(body);
            if (json == null || !json.isObject()) {
                throw unexpected(service, body);
            }
            return json;
        } catch (JsonProcessingException e) {
            throw unexpected(service, body);
        }
    }

    static String cid(JsonNode answer, String field, String service) throws DestinationException {
        JsonNode cid = answer.get(field);
        if (cid == null || !cid.isTextual() || cid.asText().isBlank()) {
            throw unexpected(service, answer.toString());
        }
        return cid.asText();
    }

    private static DestinationException unexpected(String service, String body) {
        String shown = body.length() > 200 ? body.substring(0, 200) + "..." : body;
        return DestinationException.retriable(
                DestinationException.UNAVAILABLE, service + " answered without a CID: " + shown, null);
    }
}
