package dev.spool.db;

import com.zaxxer.hikari.HikariConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;

/**
 * Every place where SQLite and PostgreSQL differ, and nothing else: the rest is shared, portable SQL. SQLite is
 * the embedded store, written by one process whose transactions run one at a time; PostgreSQL is shared by any
 * number of processes.
 */
public enum Dialect {
    SQLITE("INTEGER PRIMARY KEY AUTOINCREMENT", "", "REAL") {
        @Override
        void configurePool(HikariConfig hikari, String jdbcUrl, Duration readTimeout) {
            prepareFile(jdbcUrl);
            // WAL lets readers run beside the single writer; IMMEDIATE transactions take the write lock up front
            // so two writers queue on busy_timeout instead of failing with SQLITE_BUSY on lock upgrade.
            hikari.addDataSourceProperty("journal_mode", "WAL");
            hikari.addDataSourceProperty("synchronous", "FULL");
            hikari.addDataSourceProperty("busy_timeout", Long.toString(BUSY_TIMEOUT.toMillis()));
            hikari.addDataSourceProperty("foreign_keys", "true");
            hikari.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            // Spool never asks for generated keys. With the driver's default it matches every statement it runs
            // against a pattern, and after every INSERT queries last_insert_rowid() as well.
            hikari.addDataSourceProperty("jdbc.get_generated_keys", "false");
            hikari.setMaximumPoolSize(8);
        }

        @Override
        boolean configurePlannedOncePool(HikariConfig hikari, Duration readTimeout) {
            // SQLite plans a prepared statement when it is prepared, and its plans do not weigh parameter values.
            return false;
        }

        @Override
        public void lockForTransaction(Handle h, String key) {
            // IMMEDIATE transactions already run one at a time.
        }

        @Override
        void configure(Jdbi jdbi) {
            var turns = new WriteTurns(jdbi.getTransactionHandler(), BUSY_TIMEOUT);
            jdbi.setTransactionHandler(turns);
            jdbi.getConfig(SqlStatements.class).addCustomizer(turns);
        }
    },
    POSTGRES("BIGSERIAL PRIMARY KEY", " FOR UPDATE SKIP LOCKED", "DOUBLE PRECISION") {
        @Override
        void configure(Jdbi jdbi) {
            // Row locks and MVCC: transactions need no turns beyond what the server gives them.
        }

        @Override
        void configurePool(HikariConfig hikari, String jdbcUrl, Duration readTimeout) {
            boundReads(hikari, readTimeout);
            hikari.setMaximumPoolSize(16);
        }

        @Override
        boolean configurePlannedOncePool(HikariConfig hikari, Duration readTimeout) {
            boundReads(hikari, readTimeout);
            hikari.setConnectionInitSql(hikari.getConnectionInitSql() + "; SET plan_cache_mode = force_generic_plan");
            // A worker's round loop; after it stops, the outcomes of handlers still ending queue for these two.
            hikari.setMaximumPoolSize(2);
            return true;
        }

        @Override
        boolean migratesThroughPool() {
            // The pool's reads give up after the read timeout; a migration that rebuilds an index of a large table may
            // rightly take longer.
            return false;
        }

        @Override
        public void lockForTransaction(Handle h, String key) {
            // The function returns void, which no Jdbi mapper reads: the row only proves the lock is held.
            h.createQuery("SELECT pg_advisory_xact_lock(hashtext(:key))")
                    .bind("key", key)
                    .map((rs, ctx) -> Boolean.TRUE)
                    .one();
        }
    };

    /** The shortest validation timeout the pool accepts. */
    private static final long VALIDATION_FLOOR_MILLIS = 250;

    /** How long a SQLite transaction waits for the write lock before it fails. */
    private static final Duration BUSY_TIMEOUT = Duration.ofSeconds(30);

    private final String autoIncrementKey;
    private final String skipLocked;
    private final String doubleType;

    Dialect(String autoIncrementKey, String skipLocked, String doubleType) {
        this.autoIncrementKey = autoIncrementKey;
        this.skipLocked = skipLocked;
        this.doubleType = doubleType;
    }

    public static Dialect of(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:") ? POSTGRES : SQLITE;
    }

    /** Row-locking suffix for a claim query: SQLite has a single writer, so it needs none. */
    public String skipLocked() {
        return skipLocked;
    }

    /** Whether one statement may change rows of another table in its WITH clause (data-modifying CTEs). */
    public boolean changesInWith() {
        return this == POSTGRES;
    }

    /**
     * Whether a statement sent in one execution with a {@code COMMIT} after it is committed by it: PostgreSQL runs
     * every statement of an execution in order; SQLite's driver runs only the first.
     */
    public boolean commitsInStatement() {
        return this == POSTGRES;
    }

    /** Whether a claim that found nothing may have passed over rows another claimer holds locked. */
    public boolean skipsLockedRows() {
        return !skipLocked.isEmpty();
    }

    /**
     * Whether this process is the store's only writer (the embedded file): then what it last wrote is what the store
     * holds, and no other process needs telling that work was queued.
     */
    public boolean singleWriter() {
        return this == SQLITE;
    }

    /** Serialises the transactions that take the same key, each until it ends. */
    public abstract void lockForTransaction(Handle h, String key);

    /**
     * The connection pool's settings for this database; on a server reached over the network, {@code readTimeout}
     * bounds how long a statement waits for its answer.
     */
    abstract void configurePool(HikariConfig hikari, String jdbcUrl, Duration readTimeout);

    /** How transactions on this database begin and end. */
    abstract void configure(Jdbi jdbi);

    /** Configures the pool of {@link Database#plannedOnce()}; false when this database needs none of its own. */
    abstract boolean configurePlannedOncePool(HikariConfig hikari, Duration readTimeout);

    /** Whether the schema is migrated on the pool's connections; otherwise on connections of its own, from the URL. */
    boolean migratesThroughPool() {
        return true;
    }

    /**
     * The driver gives up on a read that waits longer and the pool drops the connection (a URL that sets
     * {@code socketTimeout} wins: the driver reads the URL's parameters over these properties). TCP keep-alives find
     * an idle connection to a vanished server dead as well. The server, for its part, ends a session that leaves a
     * transaction open for as long: when the path to a live server goes silent, the server cannot tell, and the
     * transaction the client gave up on would otherwise keep its rows locked (tasks that no sweep can requeue and no
     * claim can take) until the server's own keep-alives end it, two hours by default.
     */
    private static void boundReads(HikariConfig hikari, Duration readTimeout) {
        long seconds = Math.max(1, readTimeout.toSeconds());
        hikari.addDataSourceProperty("socketTimeout", Long.toString(seconds));
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        // The pool tests a connection idle for a moment before handing it out; each silent one it meets costs this.
        hikari.setValidationTimeout(Math.clamp(readTimeout.toMillis(), VALIDATION_FLOOR_MILLIS, 5_000));
        hikari.setConnectionInitSql("SET idle_in_transaction_session_timeout = '" + seconds + "s'");
    }

    String autoIncrementKey() {
        return autoIncrementKey;
    }

    String doubleType() {
        return doubleType;
    }

    /**
     * Creates the SQLite file's directory and the file itself owner-only (0600) before SQLite opens it: SQLite gives
     * its -wal and -shm files the mode of the database file, and they all hold secrets. Files an earlier version
     * left readable by others are narrowed.
     */
    private static void prepareFile(String jdbcUrl) {
        String file = jdbcUrl.substring("jdbc:sqlite:".length());
        int query = file.indexOf('?');
        if (query >= 0) {
            file = file.substring(0, query);
        }
        if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
            return;
        }
        Path database = Path.of(file).toAbsolutePath();
        Path parent = database.getParent();
        try {
            Files.createDirectories(parent);
            if (!parent.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                return;
            }
            var ownerOnly = PosixFilePermissions.fromString("rw-------");
            try {
                Files.createFile(database, PosixFilePermissions.asFileAttribute(ownerOnly));
            } catch (FileAlreadyExistsException e) {
                // Made by an earlier start or another process; narrowed below.
            }
            for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
                Path each = parent.resolve(database.getFileName() + suffix);
                if (Files.exists(each)) {
                    Files.setPosixFilePermissions(each, ownerOnly);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the database file " + database, e);
        }
    }
}
