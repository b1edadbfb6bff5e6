package dev.spool.task.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.BothStores;
import dev.spool.testing.ScratchStore;
import dev.spool.testing.Store;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/**
 * Every claim sends the users it served to the back of the line, one past the highest turn taken: on both stores
 * that maximum is read through the index on the turns, not from every user's row, so a claim costs the same with
 * two accounts or ten thousand.
 */
@BothStores
class TurnOrderPlanTest {
    @Parameter
    Store store;

    @RegisterExtension
    final ScratchStore scratch = new ScratchStore(() -> store);

    @Test
    void theBackOfTheLineIsReadThroughTheIndexOnTurns_withThousandsOfUsers() {
        scratch.database().jdbi().useHandle(h -> {
            h.execute("WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                    + "INSERT INTO users (id, email, admin, created_at, last_claim) "
                    + "SELECT 'u' || i, 'u' || i || '@example.com', FALSE, 0, i FROM n");
            if (store == Store.POSTGRES) {
                // as autovacuum does within a minute of such a burst
                h.execute("ANALYZE users");
            }
        });

        List<String> plan = scratch.database()
                .jdbi()
                .withHandle(h -> h.createQuery((store == Store.POSTGRES ? "EXPLAIN " : "EXPLAIN QUERY PLAN ")
                                + "SELECT " + TaskClaims.LAST_TURN)
                        .map((rs, ctx) -> rs.getString(store == Store.POSTGRES ? 1 : 4))
                        .list());

        assertThat(String.join("\n", plan))
                .contains("users_last_claim")
                .doesNotContain("Seq Scan on users")
                .doesNotContain("SCAN users");
    }
}
