package dev.spool.testing;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;

/** The two stores of record Spool runs on: embedded SQLite and clustered PostgreSQL. */
public enum Store {
    SQLITE,
    POSTGRES;

    /**
     * The stores a {@link BothStores} class runs on: both, or only the one the system property
     * {@code spool.test.store} names ({@code -Dspool.test.store=postgres} on the Maven command line).
     */
    static Stream<Store> selected() {
        String only = System.getProperty("spool.test.store", "").trim();
        return Arrays.stream(values())
                .filter(store -> only.isEmpty() || store.toString().equalsIgnoreCase(only));
    }

    /** How test names show the store: "[sqlite]", "[postgres]". */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
