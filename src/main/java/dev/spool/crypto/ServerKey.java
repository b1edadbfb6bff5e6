package dev.spool.crypto;

import dev.spool.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The server's key for secrets at rest: {@code SPOOL_SECRET_KEY} (base64 of 32 bytes) when set, else the one in
 * {@code <data dir>/secret-key}, made on first start and readable by its owner only. Every process of a cluster
 * must use the same key, or a worker cannot read what the API sealed.
 */
public final class ServerKey {
    static final String FILE = "secret-key";

    private ServerKey() {}

    public static SecretBox load(Optional<String> configured, Path dataDir) {
        if (configured.isPresent()) {
            return new SecretBox(decode(configured.get(), "SPOOL_SECRET_KEY"));
        }
        Path file = dataDir.resolve(FILE);
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            return new SecretBox(decode(Files.readString(file, StandardCharsets.US_ASCII), file.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the server key " + file, e);
        }
    }

    /** Where {@link #load} takes the key from, as a person would set or find it. */
    public static String source(Optional<String> configured, Path dataDir) {
        return configured.isPresent()
                ? "SPOOL_SECRET_KEY"
                : dataDir.resolve(FILE).toString();
    }

    /**
     * Writes a new key beside the file, then links it into place: a process starting at the same time reads one
     * whole key, never a half-written one, and both end up with the same.
     */
    private static void create(Path file) throws IOException {
        byte[] key = new byte[SecretBox.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        Path dir = Files.createDirectories(file.getParent());
        Path draft = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? Files.createTempFile(
                        dir,
                        FILE,
                        ".new",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, FILE, ".new");
        try {
            Files.writeString(draft, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
            Files.createLink(file, draft);
        } catch (FileAlreadyExistsException e) {
            // Another process on the same data directory made it first; its key is the one to use.
        } finally {
            Files.deleteIfExists(draft);
        }
    }

    private static byte[] decode(String text, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + " is not valid base64; it must hold 32 random bytes in base64 "
                    + "(e.g. the output of 'openssl rand -base64 32')");
        }
        if (key.length != SecretBox.KEY_BYTES) {
            throw new ConfigException(source + " holds " + key.length + " bytes; it must hold " + SecretBox.KEY_BYTES
                    + " random bytes in base64 (e.g. the output of 'openssl rand -base64 32')");
        }
        return key;
    }
}
