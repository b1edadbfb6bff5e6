package dev.spool.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The store of record: a pooled connection to SQLite (embedded) or PostgreSQL (cluster), migrated at open. */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    /** Null where {@link #plannedOnce()} is the main pool. */
    private final HikariDataSource plannedOnceSource;

    private final Jdbi plannedOnce;
    private final Dialect dialect;
    private final String url;
    private final Notifications notifications;

    private Database(HikariDataSource dataSource, HikariDataSource plannedOnceSource, Dialect dialect, String url) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        dialect.configure(jdbi);
        this.plannedOnceSource = plannedOnceSource;
        this.plannedOnce = plannedOnceSource == null ? jdbi : Jdbi.create(plannedOnceSource);
        this.dialect = dialect;
        this.url = url;
        this.notifications = new Notifications(url, dialect);
    }

    /**
     * Opens the store and migrates its schema. On PostgreSQL a statement that waits longer than {@code readTimeout}
     * for its answer fails and its connection is dropped: a server that vanished without closing its connections (a
     * host lost, a failover to another address) would otherwise hold every statement in flight for as long as the
     * kernel keeps the connection, the task engine's rounds, lease renewals and API requests with them.
     */
    public static Database open(String jdbcUrl, Duration readTimeout) {
        return open(jdbcUrl, readTimeout, OptionalInt.empty());
    }

    /** As {@link #open(String, Duration)}, with at most {@code poolSize} connections in the main pool when given. */
    public static Database open(String jdbcUrl, Duration readTimeout, OptionalInt poolSize) {
        var dialect = Dialect.of(jdbcUrl);
        var hikari = poolConfig("spool-db", jdbcUrl);
        dialect.configurePool(hikari, jdbcUrl, readTimeout);
        poolSize.ifPresent(hikari::setMaximumPoolSize);
        var dataSource = new HikariDataSource(hikari);
        HikariDataSource plannedOnce = null;
        try {
            migrate(
                    dialect.migratesThroughPool()
                            ? Flyway.configure().dataSource(dataSource)
                            : Flyway.configure().dataSource(jdbcUrl, null, null),
                    dialect);
            var plannedOnceConfig = poolConfig("spool-db-planned-once", jdbcUrl);
            if (dialect.configurePlannedOncePool(plannedOnceConfig, readTimeout)) {
                plannedOnce = new HikariDataSource(plannedOnceConfig);
            }
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        log.info("store of record: {} ({})", maskUrl(jdbcUrl), dialect.name().toLowerCase(Locale.ROOT));
        return new Database(dataSource, plannedOnce, dialect, jdbcUrl);
    }

    /**
     * Logs, on PostgreSQL, how many connections this process may open against what the server has left now: every
     * process of a cluster holds pools of its own that grow under load, and a server out of connections refuses new
     * ones to every process alike. A warning when this process's maximum alone does not fit in what is left.
     */
    public void tellConnectionBudget() {
        if (dialect != Dialect.POSTGRES) {
            return;
        }
        int ours = dataSource.getMaximumPoolSize() + plannedOnceSource.getMaximumPoolSize() + Notifications.CONNECTIONS;
        record Budget(int allowed, int reserved, int others) {}
        Budget budget;
        try {
            budget = jdbi.withHandle(h -> {
                var seen = h.createQuery("SELECT current_setting('max_connections')::int AS allowed, "
                                + "current_setting('superuser_reserved_connections')::int "
                                + "+ COALESCE(NULLIF(current_setting('reserved_connections', true), '')::int, 0) "
                                + "AS reserved, "
                                // Sessions of roles this one may not inspect show no type: counted too, to err
                                // on the side of warning.
                                + "(SELECT COUNT(*) FROM pg_stat_activity "
                                + "WHERE backend_type = 'client backend' OR backend_type IS NULL)::int "
                                + "AS clients")
                        .map((rs, ctx) -> new Budget(rs.getInt("allowed"), rs.getInt("reserved"), rs.getInt("clients")))
                        .one();
                // The sessions counted include this process's own, this one among them.
                int own = dataSource.getHikariPoolMXBean().getTotalConnections()
                        + plannedOnceSource.getHikariPoolMXBean().getTotalConnections();
                return new Budget(seen.allowed(), seen.reserved(), Math.max(0, seen.others() - own));
            });
        } catch (RuntimeException e) {
            // A server that hides its settings or sessions from this user: nothing to compare against.
            log.info("this process opens up to {} connections to PostgreSQL ({})", ours, e.getMessage());
            return;
        }
        int left = budget.allowed() - budget.reserved() - budget.others();
        if (ours > left) {
            log.warn(
                    "this process may open up to {} connections to PostgreSQL, which has {} left now (max_connections"
                            + " {}, {} reserved, {} open by others); lower SPOOL_DATABASE_POOL_SIZE or raise "
                            + "max_connections",
                    ours,
                    left,
                    budget.allowed(),
                    budget.reserved(),
                    budget.others());
        } else {
            log.info(
                    "this process opens up to {} connections to PostgreSQL, which has {} left now of {}; every "
                            + "process's maximum together must fit",
                    ours,
                    left,
                    budget.allowed());
        }
    }

    private static HikariConfig poolConfig(String name, String jdbcUrl) {
        var hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setJdbcUrl(jdbcUrl);
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(30_000);
        return hikari;
    }

    private static void migrate(FluentConfiguration flyway, Dialect dialect) {
        migrations(flyway, dialect).load().migrate();
    }

    /**
     * Spool's migrations for the dialect, on the given configuration: {@code db/migration} holds those both stores run,
     * {@code db/postgres} and {@code db/sqlite} those each store runs its own way (a version is in one or the other).
     */
    static FluentConfiguration migrations(FluentConfiguration flyway, Dialect dialect) {
        return flyway.locations(
                        "classpath:db/migration",
                        "classpath:db/" + dialect.name().toLowerCase(Locale.ROOT))
                .placeholders(Map.of(
                        "autoIncrementKey", dialect.autoIncrementKey(),
                        "double", dialect.doubleType()));
    }

    /** Hides a password given in the URL's query or user-info. */
    static String maskUrl(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//([^/:@]+):[^/@]*@", "//$1:***@");
    }

    /** Publishes the connection pool's meters (connections active, idle, pending; acquire times) to a registry. */
    public void bindMetrics(MeterRegistry registry) {
        dataSource.setMetricRegistry(registry);
        if (plannedOnceSource != null) {
            plannedOnceSource.setMetricRegistry(registry);
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /**
     * Connections for a few statements of fixed shape that run many times a second and have one best plan whatever
     * their parameters: the task engine's rounds. On these connections PostgreSQL plans each of them once (once the
     * driver prepares it on the server, from its fifth run on a connection), where by default it plans a statement
     * anew at every execution while its one-for-all plan looks costlier, and planning the claim took longer than
     * running it. The connections need PostgreSQL 12 or later. Elsewhere the same connections as {@link #jdbi()}.
     */
    public Jdbi plannedOnce() {
        return plannedOnce;
    }

    public Dialect dialect() {
        return dialect;
    }

    public String url() {
        return url;
    }

    /** Committed changes, told to every process of this store (listening starts with the first subscriber). */
    public Notifications notifications() {
        return notifications;
    }

    /**
     * Whether a failure is the store not answering (a connection lost, refused or timed out, or none free in time)
     * rather than a fault of the statement: worth trying again shortly.
     */
    public static boolean unreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException) {
                return true;
            }
            // Class 08 is SQL's connection exception: the statement never got its answer, whatever it was.
            if (cause instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** True when a trivial query answers: what {@code /readyz} reports. */
    public boolean reachable() {
        try {
            return jdbi.withHandle(
                            h -> h.createQuery("SELECT 1").mapTo(Integer.class).one())
                    == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        notifications.close();
        if (plannedOnceSource != null) {
            plannedOnceSource.close();
        }
        dataSource.close();
    }
}
