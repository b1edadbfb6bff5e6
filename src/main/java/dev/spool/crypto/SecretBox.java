package dev.spool.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps short secrets (the credentials inside task params) unreadable at rest: AES-256-GCM under the server key,
 * with a fresh random nonce per value, so equal secrets never look equal and any change to a sealed value is
 * detected when it is opened. A sealed value is {@code v1.} followed by URL-safe base64 of nonce, ciphertext and tag.
 */
public final class SecretBox {
    public static final int KEY_BYTES = 32;
    private static final String VERSION = "v1.";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] FINGERPRINT_LABEL = "spool server key fingerprint".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;

    public SecretBox(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("the key must be " + KEY_BYTES + " bytes, not " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    /** Why a sealed value cannot be opened: not one of ours, altered, or sealed under another key. */
    public static final class UnreadableSecret extends Exception {
        UnreadableSecret(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * HMAC-SHA256 of a fixed label under the key, in hex: equal for equal keys, so processes can compare their keys
     * through the database without the key ever leaving them.
     */
    public String fingerprint() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(FINGERPRINT_LABEL));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    public String seal(String secret) {
        return seal(secret, "");
    }

    /**
     * Seals a value for one place only: opening it takes the same {@code context} (authenticated, not stored), so a
     * sealed value copied to another place cannot be opened there.
     */
    public String seal(String secret, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return VERSION
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                                    .put(nonce)
                                    .put(sealed)
                                    .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    public String open(String sealed) throws UnreadableSecret {
        return open(sealed, "");
    }

    /** Opens a value sealed with {@link #seal(String, String)} for the same {@code context}. */
    public String open(String sealed, String context) throws UnreadableSecret {
        if (sealed == null || !sealed.startsWith(VERSION)) {
            throw new UnreadableSecret("not a sealed value", null);
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(sealed.substring(VERSION.length()));
        } catch (IllegalArgumentException e) {
            throw new UnreadableSecret("a sealed value is not valid base64", e);
        }
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new UnreadableSecret("a sealed value is too short", null);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new UnreadableSecret("a sealed value was altered, sealed under another key or for another place", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }
}
