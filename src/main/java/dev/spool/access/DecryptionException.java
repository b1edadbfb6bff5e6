package dev.spool.access;

/** Why an encrypted upload cannot be decrypted, in words for its owner: the task fails with it, unretried. */
public final class DecryptionException extends Exception {
    public DecryptionException(String message) {
        super(message);
    }
}
