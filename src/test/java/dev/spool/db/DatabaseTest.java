package dev.spool.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.BothStores;
import dev.spool.testing.ScratchDatabase;
import dev.spool.testing.Store;
import java.nio.file.Files;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/** The store's pools: the main one, and the one whose statements are planned once. */
@BothStores
class DatabaseTest {
    @Parameter
    Store store;

    private ScratchDatabase scratch;
    private Database database;

    @BeforeEach
    void open() throws Exception {
        scratch = ScratchDatabase.create(store, Files.createTempDirectory("database"));
        database = Database.open(scratch.url());
    }

    @AfterEach
    void close() {
        database.close();
        scratch.close();
    }

    @Test
    void givenTheStore_whenStatementsRunOnThePlannedOncePool_thenPostgresqlKeepsOneGenericPlan_andTheMainPoolDoesNot() {
        if (store == Store.POSTGRES) {
            assertThat(planCacheMode(database.plannedOnce())).isEqualTo("force_generic_plan");
            assertThat(planCacheMode(database.jdbi())).isEqualTo("auto");
        } else {
            assertThat(database.plannedOnce()).isSameAs(database.jdbi());
        }
    }

    @Test
    void givenBothPools_whenOneWrites_thenTheOtherReadsTheSameStore() {
        database.plannedOnce().useHandle(h -> h.execute("CREATE TABLE pools_seen (n INTEGER)"));
        database.plannedOnce().useTransaction(h -> h.execute("INSERT INTO pools_seen (n) VALUES (7)"));

        int seen = database.jdbi()
                .withHandle(h -> h.createQuery("SELECT n FROM pools_seen")
                        .mapTo(Integer.class)
                        .one());

        assertThat(seen).isEqualTo(7);
    }

    private static String planCacheMode(Jdbi jdbi) {
        return jdbi.withHandle(
                h -> h.createQuery("SHOW plan_cache_mode").mapTo(String.class).one());
    }
}
