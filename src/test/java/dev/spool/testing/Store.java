package dev.spool.testing;

/** The two stores of record Spool runs on: embedded SQLite and clustered PostgreSQL. */
public enum Store {
    SQLITE, POSTGRES
}
