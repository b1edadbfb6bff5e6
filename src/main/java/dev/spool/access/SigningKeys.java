package dev.spool.access;

import dev.spool.account.Principal;
import dev.spool.error.SpoolException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signing keys for their owners: ES256 (P-256) pairs made here, the private half answered once and forgotten. As
 * Livepeer does, both halves travel as the base64 of their PEM text. A key is visible to its owner within its
 * project; to anyone else it does not exist.
 */
public final class SigningKeys {
    static final int LIMIT = 10;
    /** How long a key's state read for a token is trusted: other processes see a disable within this time. */
    private static final Duration FRESH = Duration.ofSeconds(5);

    private static final Duration SEEN_EVERY = Duration.ofMinutes(1);
    private static final int CACHED_KEYS = 10_000;

    private final SigningKeyRepository keys;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> byPublicKey = new ConcurrentHashMap<>();

    private record Cached(Optional<SigningKey> key, long readAt) {}

    public SigningKeys(dev.spool.db.Database database, Clock clock) {
        this.keys = new SigningKeyRepository(database);
        this.clock = clock;
    }

    public SigningKey create(Principal caller, String name) {
        if (keys.count(caller.userId(), caller.projectId()) >= LIMIT) {
            throw new SpoolException(
                    SpoolException.Kind.FORBIDDEN,
                    "signing_key_limit",
                    "a project has at most " + LIMIT + " signing keys: delete one to create another");
        }
        KeyPair pair = generate();
        var key = new SigningKey(
                UUID.randomUUID().toString(),
                name == null || name.isBlank() ? "Signing Key" : name,
                caller.userId(),
                caller.projectId(),
                clock.millis(),
                null,
                pem("PUBLIC KEY", pair.getPublic().getEncoded()),
                false,
                null);
        keys.insert(key);
        return key.withPrivateKey(pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    }

    public List<SigningKey> list(Principal caller) {
        return keys.list(caller.userId(), caller.projectId());
    }

    public SigningKey get(Principal caller, String id) {
        return keys.find(id)
                .filter(k -> caller.admin()
                        || (caller.userId().equals(k.userId())
                                && caller.projectId().equals(k.projectId())))
                .orElseThrow(SpoolException::notFound);
    }

    public void update(Principal caller, String id, String name, Boolean disabled) {
        if (name != null && name.isBlank()) {
            throw SpoolException.invalid("name", "must not be empty");
        }
        var key = get(caller, id);
        keys.update(id, name, disabled);
        byPublicKey.remove(key.publicKey());
    }

    public void delete(Principal caller, String id) {
        var key = get(caller, id);
        keys.delete(id);
        byPublicKey.remove(key.publicKey());
    }

    /** The key whose public half a token names, read at most every few seconds. */
    Optional<SigningKey> byPublicKey(String publicKey) {
        long now = System.nanoTime();
        var cached = byPublicKey.get(publicKey);
        if (cached != null && now - cached.readAt() < FRESH.toNanos()) {
            return cached.key();
        }
        if (byPublicKey.size() >= CACHED_KEYS) {
            byPublicKey.clear();
        }
        var read = keys.findByPublicKey(publicKey);
        byPublicKey.put(publicKey, new Cached(read, now));
        return read;
    }

    /** Records that a key let a viewer in, at most once a minute per key. */
    void seen(SigningKey key) {
        long now = clock.millis();
        if (key.lastSeen() == null || now - key.lastSeen() >= SEEN_EVERY.toMillis()) {
            keys.markSeen(key.id(), now);
            byPublicKey.remove(key.publicKey());
        }
    }

    private static KeyPair generate() {
        try {
            var generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make P-256 keys", e);
        }
    }

    /** The base64 of the PEM text, the form Livepeer's API and SDKs exchange keys in. */
    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        String text = "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}
