package dev.spool.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.BothStores;
import dev.spool.testing.ScratchStore;
import dev.spool.testing.Store;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/** The store's pools: the main one, and the one whose statements are planned once. */
@BothStores
class DatabaseTest {
    @Parameter
    Store store;

    @RegisterExtension
    final ScratchStore scratch = new ScratchStore(() -> store);

    @Test
    void givenTheStore_whenStatementsRunOnThePlannedOncePool_thenPostgresqlKeepsOneGenericPlan_andTheMainPoolDoesNot() {
        if (store == Store.POSTGRES) {
            assertThat(planCacheMode(scratch.database().plannedOnce())).isEqualTo("force_generic_plan");
            assertThat(planCacheMode(scratch.database().jdbi())).isEqualTo("auto");
        } else {
            assertThat(scratch.database().plannedOnce())
                    .isSameAs(scratch.database().jdbi());
        }
    }

    @Test
    void givenBothPools_whenOneWrites_thenTheOtherReadsTheSameStore() {
        scratch.database().plannedOnce().useHandle(h -> h.execute("CREATE TABLE pools_seen (n INTEGER)"));
        scratch.database().plannedOnce().useTransaction(h -> h.execute("INSERT INTO pools_seen (n) VALUES (7)"));

        int seen = scratch.database()
                .jdbi()
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
