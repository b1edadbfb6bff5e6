package dev.spool.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mints playback tokens the way Livepeer's SDKs do (ES256, claims {@code sub}, {@code pub}, {@code action},
 * {@code iss}, {@code exp}), from a signing key as the API answered its creation.
 */
final class PlaybackTokens {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private PlaybackTokens() {}

    static String mint(JsonNode key, String playbackId, Duration validFor) {
        return mint(key, claims(key, playbackId, Instant.now().plus(validFor)));
    }

    static Map<String, Object> claims(JsonNode key, String playbackId, Instant expires) {
        var claims = new LinkedHashMap<String, Object>();
        claims.put("sub", playbackId);
        claims.put("action", "pull");
        claims.put("iss", "spool tests");
        claims.put("pub", key.path("publicKey").asText());
        claims.put("video", "none");
        claims.put("exp", expires.getEpochSecond());
        return claims;
    }

    static String mint(JsonNode key, Map<String, Object> claims) {
        try {
            String header = URL.encodeToString(JSON.writeValueAsBytes(Map.of("alg", "ES256", "typ", "JWT")));
            String payload = URL.encodeToString(JSON.writeValueAsBytes(claims));
            var signer = Signature.getInstance("SHA256withECDSAinP1363Format");
            signer.initSign(KeyFactory.getInstance("EC")
                    .generatePrivate(
                            new PKCS8EncodedKeySpec(der(key.path("privateKey").asText()))));
            signer.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + URL.encodeToString(signer.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The DER inside the base64 of a PEM text. */
    static byte[] der(String base64Pem) {
        String pem = new String(Base64.getDecoder().decode(base64Pem), StandardCharsets.US_ASCII);
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }
}
