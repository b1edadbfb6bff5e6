package dev.spool.access;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * A playback JWT as Livepeer's SDKs mint it: ES256 over {@code header.payload}, the signature as JWS's raw
 * {@code R||S} (which the JDK reads as the "P1363" format), claims {@code sub}, {@code pub}, {@code exp},
 * {@code action}.
 */
record PlaybackToken(
        String signedPart, byte[] signature, String subject, String publicKey, Long expiresAt, String action) {

    /** The token's parts, or empty when it is not a well-formed ES256 JWT. */
    static Optional<PlaybackToken> parse(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            var decoder = Base64.getUrlDecoder();
            JsonNode header = Json.tree(new String(decoder.decode(parts[0]), StandardCharsets.UTF_8));
            JsonNode claims = Json.tree(new String(decoder.decode(parts[1]), StandardCharsets.UTF_8));
            if (header == null
                    || claims == null
                    || !header.isObject()
                    || !claims.isObject()
                    || !"ES256".equals(header.path("alg").asText())) {
                return Optional.empty();
            }
            JsonNode exp = claims.get("exp");
            return Optional.of(new PlaybackToken(
                    parts[0] + "." + parts[1],
                    decoder.decode(parts[2]),
                    text(claims, "sub"),
                    text(claims, "pub"),
                    exp != null && exp.isNumber() ? exp.asLong() : null,
                    text(claims, "action")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode claims, String name) {
        JsonNode value = claims.get(name);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    /** Whether the key signed this token. */
    boolean signedBy(String base64Pem) {
        try {
            var verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(publicKey(base64Pem));
            verifier.update(signedPart.getBytes(StandardCharsets.US_ASCII));
            return signature.length == 64 && verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static PublicKey publicKey(String base64Pem) throws GeneralSecurityException {
        String pem = new String(Base64.getDecoder().decode(base64Pem), StandardCharsets.US_ASCII);
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    }
}
