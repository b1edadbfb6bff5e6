package dev.spool.access;

/**
 * A key that signs playback tokens, in the public shape of Livepeer's signing-key. {@code privateKey} is present
 * only in the answer to its creation: Spool never stores it.
 */
public record SigningKey(
        String id,
        String name,
        String userId,
        String projectId,
        long createdAt,
        Long lastSeen,
        String publicKey,
        boolean disabled,
        String privateKey) {

    SigningKey withPrivateKey(String privateKey) {
        return new SigningKey(id, name, userId, projectId, createdAt, lastSeen, publicKey, disabled, privateKey);
    }
}
