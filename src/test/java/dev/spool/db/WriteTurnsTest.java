package dev.spool.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.ScratchStore;
import dev.spool.testing.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The embedded store's writers take turns in the order they asked: a writer arriving while many others write back to
 * back, in a transaction or in a single statement, gets its turn after those ahead of it, where SQLite's own busy wait
 * would let the busiest writers win again and again until the late one gave up.
 */
class WriteTurnsTest {
    // Fewer than the pool's eight connections: what is measured is the wait for the write lock, not for a connection.
    private static final int BUSY_WRITERS = 6;
    private static final int LATE_WRITES = 30;

    @RegisterExtension
    final ScratchStore scratch = new ScratchStore(() -> Store.SQLITE);

    private Jdbi jdbi;

    @BeforeEach
    void open() {
        jdbi = scratch.database().jdbi();
        jdbi.useHandle(h -> h.execute("CREATE TABLE counters (id TEXT PRIMARY KEY, n INTEGER NOT NULL)"));
        jdbi.useHandle(h -> h.execute("INSERT INTO counters (id, n) VALUES ('busy', 0), ('late', 0)"));
    }

    @Test
    void givenWritersWritingBackToBack_whenAnotherArrives_thenItsTransactionWaitsOnlyForThoseAheadOfIt()
            throws Exception {
        Duration worst = worstWaitWhileBusy(
                () -> jdbi.useTransaction(h -> h.execute("UPDATE counters SET n = n + 1 WHERE id = 'late'")));

        // Fair turns: at most the writers ahead (6 x ~3 ms) and a loaded machine's slack.
        assertThat(worst).isLessThan(Duration.ofSeconds(2));
        assertThat(late()).isEqualTo(LATE_WRITES);
    }

    @Test
    void givenWritersWritingBackToBack_whenAStatementWritesOutsideATransaction_thenItWaitsOnlyForThoseAheadOfIt()
            throws Exception {
        Duration worst = worstWaitWhileBusy(
                () -> jdbi.useHandle(h -> h.execute("UPDATE counters SET n = n + 1 WHERE id = 'late'")));

        assertThat(worst).isLessThan(Duration.ofSeconds(2));
        assertThat(late()).isEqualTo(LATE_WRITES);
    }

    @Test
    void givenStatements_thenOnlyThoseThatMayChangeTheDatabaseTakeATurn() {
        assertThat(WriteTurns.writes("SELECT n FROM counters")).isFalse();
        assertThat(WriteTurns.writes("\n  select n from counters")).isFalse();
        assertThat(WriteTurns.writes("SELECT updated_at FROM tasks")).isFalse();
        assertThat(WriteTurns.writes("WITH due AS (SELECT id FROM tasks) SELECT * FROM due"))
                .isFalse();
        assertThat(WriteTurns.writes("PRAGMA table_info(tasks)")).isFalse();
        assertThat(WriteTurns.writes("INSERT INTO counters VALUES ('x', 1)")).isTrue();
        assertThat(WriteTurns.writes(" update counters SET n = 2")).isTrue();
        assertThat(WriteTurns.writes("DELETE FROM counters")).isTrue();
        assertThat(WriteTurns.writes("WITH old AS (SELECT id FROM tasks) DELETE FROM tasks WHERE id IN old"))
                .isTrue();
        assertThat(WriteTurns.writes("CREATE TABLE t (x INTEGER)")).isTrue();
    }

    /** Runs {@code lateWrite} {@link #LATE_WRITES} times while six writers write back to back; its longest wait. */
    private Duration worstWaitWhileBusy(Runnable lateWrite) throws InterruptedException {
        var stop = new AtomicBoolean();
        var writes = new AtomicInteger();
        var started = new CountDownLatch(BUSY_WRITERS);
        List<Thread> busy = new ArrayList<>();
        for (int i = 0; i < BUSY_WRITERS; i++) {
            busy.add(Thread.ofPlatform().start(() -> {
                started.countDown();
                while (!stop.get()) {
                    jdbi.useTransaction(h -> {
                        h.execute("UPDATE counters SET n = n + 1 WHERE id = 'busy'");
                        LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
                    });
                    writes.incrementAndGet();
                }
            }));
        }
        started.await();
        while (writes.get() < 3 * BUSY_WRITERS) {
            Thread.sleep(5);
        }
        Duration worst = Duration.ZERO;
        try {
            for (int i = 0; i < LATE_WRITES; i++) {
                long asked = System.nanoTime();
                lateWrite.run();
                Duration waited = Duration.ofNanos(System.nanoTime() - asked);
                worst = waited.compareTo(worst) > 0 ? waited : worst;
            }
        } finally {
            stop.set(true);
            for (Thread writer : busy) {
                writer.join();
            }
        }
        return worst;
    }

    private int late() {
        return jdbi.withHandle(h -> h.createQuery("SELECT n FROM counters WHERE id = 'late'")
                .mapTo(Integer.class)
                .one());
    }
}
