package dev.spool.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.ScratchStore;
import dev.spool.testing.Store;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two statements sent to PostgreSQL together (the only store that takes several in one execution): one execution,
 * each statement's rows answered in order, the second seeing the first's changes, an error in either failing both.
 */
class ReturningTest {
    @RegisterExtension
    final ScratchStore scratch = new ScratchStore(() -> Store.POSTGRES);

    private Jdbi jdbi;
    private final AtomicInteger executions = new AtomicInteger();

    @BeforeEach
    void open() {
        jdbi = scratch.database().plannedOnce();
        jdbi.useHandle(h -> h.execute("CREATE TABLE counters (id TEXT PRIMARY KEY, n INTEGER NOT NULL)"));
        jdbi.useHandle(h -> h.execute("INSERT INTO counters (id, n) VALUES ('a', 1), ('b', 10)"));
        jdbi.setSqlLogger(new SqlLogger() {
            @Override
            public void logAfterExecution(StatementContext context) {
                executions.incrementAndGet();
            }
        });
    }

    private static Returning<Integer> bump(String id, int by) {
        return new Returning<>(
                "UPDATE counters SET n = n + :by WHERE id = :" + id + " RETURNING n",
                q -> q.bind("by", by).bind(id, id),
                (rs, ctx) -> rs.getInt("n"));
    }

    private static final Returning<Integer> TOTAL =
            new Returning<>("SELECT SUM(n) AS total FROM counters", q -> {}, (rs, ctx) -> rs.getInt("total"));

    private int n(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT n FROM counters WHERE id = :id")
                .bind("id", id)
                .mapTo(Integer.class)
                .one());
    }

    @Test
    void givenTwoStatements_whenSentTogether_thenOneExecutionAnswersEachOnesRows_andTheSecondSeesTheFirstsChange() {
        var both = jdbi.inTransaction(h -> Returning.together(h, bump("a", 5), TOTAL));

        assertThat(executions).hasValue(1);
        assertThat(both.first()).containsExactly(6);
        assertThat(both.second())
                .as("the sum after the first statement's change")
                .containsExactly(16);
        assertThat(n("a")).isEqualTo(6);
    }

    @Test
    void givenANameBothStatementsBind_whenSentTogether_thenBothReadTheOneValue() {
        var both = jdbi.inTransaction(h -> Returning.together(h, bump("a", 2), bump("b", 2)));

        assertThat(both.first()).containsExactly(3);
        assertThat(both.second()).containsExactly(12);
    }

    @Test
    void givenASecondStatementThatFails_whenSentTogether_thenTheFirstsChangeIsRolledBackWithIt() {
        var failing = new Returning<Integer>(
                "UPDATE counters SET n = n / 0 WHERE id = 'b' RETURNING n", q -> {}, (rs, ctx) -> rs.getInt("n"));

        assertThatThrownBy(() -> jdbi.useTransaction(h -> Returning.together(h, bump("a", 5), failing)))
                .hasMessageContaining("division by zero");

        assertThat(n("a")).isEqualTo(1);
        assertThat(n("b")).isEqualTo(10);
    }

    @Test
    void givenAStatementAlone_whenRun_thenItAnswersItsRows() {
        var rows = jdbi.inTransaction(h -> bump("b", 1).run(h));

        assertThat(rows).isEqualTo(List.of(11));
        assertThat(executions).hasValue(1);
    }
}
