package dev.spool.access;

import dev.spool.config.ConfigException;
import dev.spool.crypto.SecretBox;
import dev.spool.db.Database;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Jdbi;

/**
 * The RSA key that clients encrypt their uploads' AES keys to (RSA-OAEP with SHA-256, as WebCrypto and Livepeer do:
 * MGF1 with SHA-256 too). One pair for the whole installation, kept in the database with its private half sealed by
 * the server's secret key, so every process of a cluster holding {@code SPOOL_SECRET_KEY} can unwrap.
 */
public final class UploadKey {
    private static final String ID = "upload";
    private static final Set<Integer> AES_KEY_BYTES = Set.of(16, 24, 32);
    private static final OAEPParameterSpec OAEP =
            new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

    private final String publicKey;
    private final PrivateKey privateKey;

    private UploadKey(String publicKey, PrivateKey privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
    }

    /** The installation's key, made and stored by whichever process asks first. */
    public static UploadKey load(Database database, SecretBox secrets, Clock clock) {
        Jdbi jdbi = database.jdbi();
        var stored = jdbi.withHandle(h -> h.createQuery(
                        "SELECT public_key, private_key FROM upload_keys " + "WHERE id = :id")
                .bind("id", ID)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
                .findOne());
        if (stored.isEmpty()) {
            KeyPair pair = generate();
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO upload_keys (id, public_key, private_key, created_at) "
                            + "VALUES (:id, :pub, :priv, :at) ON CONFLICT (id) DO NOTHING")
                    .bind("id", ID)
                    .bind(
                            "pub",
                            Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()))
                    .bind(
                            "priv",
                            secrets.seal(Base64.getEncoder()
                                    .encodeToString(pair.getPrivate().getEncoded())))
                    .bind("at", clock.millis())
                    .execute());
            return load(database, secrets, clock);
        }
        try {
            byte[] der = Base64.getDecoder().decode(secrets.open(stored.get()[1]));
            return new UploadKey(
                    stored.get()[0], KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)));
        } catch (SecretBox.UnreadableSecret | GeneralSecurityException e) {
            throw new ConfigException("the key for encrypted uploads, kept in the database, cannot be read with "
                    + "this server's secret key: every process must use the SPOOL_SECRET_KEY it was made with");
        }
    }

    /** Base64 of the DER SubjectPublicKeyInfo, what WebCrypto imports as "spki". */
    public String publicKey() {
        return publicKey;
    }

    /** The AES key inside a base64 RSA-OAEP-SHA-256 wrapping. */
    public SecretKey unwrap(String encryptedKey) throws DecryptionException {
        byte[] wrapped;
        try {
            wrapped = Base64.getDecoder().decode(encryptedKey);
        } catch (IllegalArgumentException e) {
            throw new DecryptionException("the encryptedKey is not base64");
        }
        byte[] key;
        try {
            var cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
            cipher.init(Cipher.DECRYPT_MODE, privateKey, OAEP);
            key = cipher.doFinal(wrapped);
        } catch (GeneralSecurityException e) {
            throw new DecryptionException(
                    "the encryptedKey was not encrypted with this server's public key " + "(RSA-OAEP with SHA-256)");
        }
        if (!AES_KEY_BYTES.contains(key.length)) {
            throw new DecryptionException(
                    "the encryptedKey holds " + key.length + " bytes, not an AES-128, " + "AES-192 or AES-256 key");
        }
        return new SecretKeySpec(key, "AES");
    }

    private static KeyPair generate() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make RSA keys", e);
        }
    }
}
