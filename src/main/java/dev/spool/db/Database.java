package dev.spool.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/** The store of record: a pooled connection to SQLite (embedded) or PostgreSQL (cluster), migrated at open. */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Dialect dialect;
    private final String url;

    private Database(HikariDataSource dataSource, Dialect dialect, String url) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.dialect = dialect;
        this.url = url;
    }

    public static Database open(String jdbcUrl) {
        var dialect = Dialect.of(jdbcUrl);
        var hikari = new HikariConfig();
        hikari.setPoolName("spool-db");
        if (dialect == Dialect.SQLITE) {
            prepareSqliteFile(jdbcUrl);
            hikari.setJdbcUrl(jdbcUrl);
            // WAL lets readers run beside the single writer; IMMEDIATE transactions take the write lock up front
            // so two writers queue on busy_timeout instead of failing with SQLITE_BUSY on lock upgrade.
            hikari.addDataSourceProperty("journal_mode", "WAL");
            hikari.addDataSourceProperty("synchronous", "FULL");
            hikari.addDataSourceProperty("busy_timeout", "30000");
            hikari.addDataSourceProperty("foreign_keys", "true");
            hikari.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            hikari.setMaximumPoolSize(8);
        } else {
            hikari.setJdbcUrl(jdbcUrl);
            hikari.setMaximumPoolSize(16);
        }
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(30_000);
        var dataSource = new HikariDataSource(hikari);
        try {
            migrate(dataSource, dialect);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        log.info("store of record: {} ({})", maskUrl(jdbcUrl), dialect.name().toLowerCase());
        return new Database(dataSource, dialect, jdbcUrl);
    }

    private static void migrate(HikariDataSource dataSource, Dialect dialect) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .placeholders(Map.of(
                        "autoIncrementKey", dialect.autoIncrementKey(),
                        "double", dialect.doubleType()))
                .load()
                .migrate();
    }

    /**
     * Creates the SQLite file's directory and the file itself owner-only (0600) before SQLite opens it: SQLite gives
     * its -wal and -shm files the mode of the database file, and they all hold secrets. Files an earlier version
     * left readable by others are narrowed.
     */
    private static void prepareSqliteFile(String jdbcUrl) {
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

    /** Hides a password given in the URL's query or user-info. */
    static String maskUrl(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//([^/:@]+):[^/@]*@", "//$1:***@");
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Dialect dialect() {
        return dialect;
    }

    public String url() {
        return url;
    }

    /** True when a trivial query answers: what {@code /readyz} reports. */
    public boolean reachable() {
        try {
            return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
