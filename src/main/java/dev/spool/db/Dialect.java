package dev.spool.db;

/** The few places where SQLite and PostgreSQL SQL differ. Everything else is shared, portable SQL. */
public enum Dialect {
    SQLITE("INTEGER PRIMARY KEY AUTOINCREMENT", "", "REAL"),
    POSTGRES("BIGSERIAL PRIMARY KEY", " FOR UPDATE SKIP LOCKED", "DOUBLE PRECISION");

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

    String autoIncrementKey() {
        return autoIncrementKey;
    }

    String doubleType() {
        return doubleType;
    }
}
