package dev.spool.account;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First start: an admin user, its default project and an API key. The key is printed once and written to
 * {@code admin-api-key} (mode 600) in the data dir; later starts find the admin and change nothing.
 */
public final class AdminBootstrap {
    public static final String ADMIN_EMAIL = "admin@spool.local";
    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final Accounts accounts;
    private final Path dataDir;

    public AdminBootstrap(Accounts accounts, Path dataDir) {
        this.accounts = accounts;
        this.dataDir = dataDir;
    }

    /**
     * Answers the key created by this call, or empty when the admin already existed. A chosen key only sets the
     * admin's key on the first start; a different one later is not taken (that would quietly hand the admin to
     * whoever can set the environment) but said, with how to rotate the key.
     */
    public Optional<CreatedApiKey> ensureAdmin(Optional<String> chosenKey) {
        if (accounts.findUserByEmail(ADMIN_EMAIL).isPresent()) {
            chosenKey
                    .filter(secret -> accounts.authenticate(secret)
                            .filter(Principal::admin)
                            .isEmpty())
                    .ifPresent(secret -> log.warn("SPOOL_ADMIN_API_KEY is not a key of this data directory's admin "
                            + "and is ignored: it sets the admin's key on the first start only. To rotate the admin's "
                            + "key, run 'spool apikey create --name admin' (a new key for the admin), then "
                            + "'spool apikey revoke <id>' for the old one (ids from 'spool apikey list')"));
            return Optional.empty();
        }
        var admin = accounts.createUser(ADMIN_EMAIL, true);
        var key = chosenKey
                .map(secret -> accounts.storeApiKey(admin.id(), admin.defaultProjectId(), "admin", secret))
                .orElseGet(() -> accounts.createApiKey(admin.id(), admin.defaultProjectId(), "admin"));
        if (chosenKey.isEmpty()) {
            writeKeyFile(key.secret());
            System.out.println("Spool admin API key (shown once, also saved to " + dataDir.resolve("admin-api-key")
                    + "): " + key.secret());
        }
        log.info("created the admin user and its default project");
        return Optional.of(key);
    }

    private void writeKeyFile(String secret) {
        Path file = dataDir.resolve("admin-api-key");
        try {
            Files.createDirectories(dataDir);
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
