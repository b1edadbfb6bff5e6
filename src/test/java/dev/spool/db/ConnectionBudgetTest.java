package dev.spool.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.CapturedOutput;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * At start a PostgreSQL process says how many connections it may open (its pool, the engine's two, the listening
 * one) against what the server has left, and warns when that alone does not fit.
 */
class ConnectionBudgetTest {

    @Test
    void givenAPoolOfFive_whenTheServerStarts_thenItSaysItOpensUpToEight() {
        try (var output = CapturedOutput.start();
                var server = TestServer.start(Store.POSTGRES, Map.of("SPOOL_DATABASE_POOL_SIZE", "5"))) {
            assertThat(output.text()).contains("this process opens up to 8 connections to PostgreSQL");
        }
    }

    @Test
    void givenAPoolLargerThanTheServerAllows_whenTheServerStarts_thenItWarnsNamingBothRemedies() {
        try (var output = CapturedOutput.start();
                var server = TestServer.start(Store.POSTGRES, Map.of("SPOOL_DATABASE_POOL_SIZE", "1000"))) {
            assertThat(output.text())
                    .containsPattern("WARN dev.spool.db.Database - this process may open up to 1003 connections to "
                            + "PostgreSQL, which has \\d+ left now")
                    .contains("lower SPOOL_DATABASE_POOL_SIZE or raise max_connections");
        }
    }
}
