package dev.spool.cluster;

import dev.spool.config.ConfigException;
import dev.spool.crypto.SecretBox;
import dev.spool.db.Database;
import dev.spool.db.Dialect;
import dev.spool.storage.ObjectStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings every process on one database must share: the object store and the server key. The first process to
 * start records them; every later {@code serve} or {@code worker} must agree before it claims a task or answers a
 * request, or it refuses to start with one line that names what differs and how to fix it.
 *
 * <p>The store is proven by a marker object: the first start writes one with a random id into its store and records
 * the id. A process agrees when its own store holds that marker, so one local directory shared by every process (at
 * whatever path each mounts it) is accepted, and separate directories that merely look alike are not.
 */
public final class SharedSettings {
    private static final Logger log = LoggerFactory.getLogger(SharedSettings.class);
    static final String MARKER_PREFIX = "spool-markers/";

    private final Database database;
    private final Clock clock;

    public SharedSettings(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    record Recorded(String objectStore, String storeMarker, String keyFingerprint) {}

    /**
     * Records this process's store and key when the database has none yet, else checks them against the recorded
     * ones; {@code keySource} names where this process took its key from.
     *
     * @throws ConfigException naming every setting that differs and how to fix it
     */
    public void agree(ObjectStore objects, SecretBox key, String keySource) {
        var recorded = read();
        if (recorded.isEmpty()) {
            recorded = Optional.of(record(objects, key));
        }
        var differences = new ArrayList<String>();
        storeDifference(objects, recorded.get()).ifPresent(differences::add);
        keyDifference(key, keySource, recorded.get()).ifPresent(differences::add);
        if (!differences.isEmpty()) {
            throw new ConfigException(String.join("; ", differences));
        }
        log.info("object store and server key agree with {}'s", owner());
    }

    /**
     * Writes a marker and offers it to the database; when another process recorded first (both started at once),
     * its settings are the ones to agree with and this process's marker goes again.
     */
    private Recorded record(ObjectStore objects, SecretBox key) {
        String marker = UUID.randomUUID().toString();
        byte[] content = ("Spool writes this object once, at the first start of its database, which records its id. "
                        + "Every process checks that its object store holds it: keep it.\n")
                .getBytes(StandardCharsets.UTF_8);
        objects.put(markerKey(marker), new ByteArrayInputStream(content), content.length, "text/plain");
        database.jdbi()
                .useHandle(h -> h.createUpdate("INSERT INTO cluster_settings "
                                + "(id, object_store, store_marker, key_fingerprint, recorded_at) "
                                + "VALUES (1, :store, :marker, :fingerprint, :now) ON CONFLICT (id) DO NOTHING")
                        .bind("store", objects.describe())
                        .bind("marker", marker)
                        .bind("fingerprint", key.fingerprint())
                        .bind("now", clock.millis())
                        .execute());
        var recorded = read().orElseThrow(() -> new IllegalStateException("cluster_settings lost its row"));
        if (recorded.storeMarker().equals(marker)) {
            log.info(
                    "first start on this database: recorded {} and the server key's fingerprint {}",
                    objects.describe(),
                    shortFingerprint(recorded.keyFingerprint()));
        } else {
            objects.delete(markerKey(marker));
        }
        return recorded;
    }

    private Optional<Recorded> read() {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT object_store, store_marker, key_fingerprint "
                                + "FROM cluster_settings WHERE id = 1")
                        .map((rs, ctx) -> new Recorded(
                                rs.getString("object_store"),
                                rs.getString("store_marker"),
                                rs.getString("key_fingerprint")))
                        .findOne());
    }

    private Optional<String> storeDifference(ObjectStore objects, Recorded recorded) {
        String key = markerKey(recorded.storeMarker());
        if (objects.head(key).isPresent()) {
            return Optional.empty();
        }
        String mine = objects.describe();
        if (!mine.equals(recorded.objectStore())) {
            return Optional.of("this process's object store is " + mine + " but " + owner() + "'s is "
                    + recorded.objectStore() + ": set SPOOL_STORAGE_URL to " + owner() + "'s (a local directory "
                    + "only when every process reaches that same directory, e.g. on a shared mount)");
        }
        return Optional.of("this process's object store " + mine + " does not hold the marker object '" + key
                + "' written at the first start of " + owner()
                + ": it is another store at the same address (every process must reach the same directory or "
                + "bucket), or the marker was deleted (then put it back, with any content)");
    }

    private Optional<String> keyDifference(SecretBox key, String keySource, Recorded recorded) {
        String mine = key.fingerprint();
        if (mine.equals(recorded.keyFingerprint())) {
            return Optional.empty();
        }
        return Optional.of("this process's server key (from " + keySource + ", fingerprint "
                + shortFingerprint(mine) + ") is not " + owner() + "'s (fingerprint "
                + shortFingerprint(recorded.keyFingerprint()) + "): set SPOOL_SECRET_KEY to " + owner() + "'s"
                + " key (credentials sealed under it cannot be read with another)");
    }

    /** Whose settings a process must agree with, in the words of a message. */
    private String owner() {
        return database.dialect() == Dialect.POSTGRES ? "the cluster" : "this database";
    }

    static String markerKey(String marker) {
        return MARKER_PREFIX + marker;
    }

    private static String shortFingerprint(String fingerprint) {
        return fingerprint.substring(0, 12);
    }
}
