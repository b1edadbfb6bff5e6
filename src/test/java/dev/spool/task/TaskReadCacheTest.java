package dev.spool.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The task read cache of the embedded store never answers a state older than the database's. */
class TaskReadCacheTest {
    private final AtomicReference<Task> database = new AtomicReference<>(version(1));
    private final AtomicInteger loads = new AtomicInteger();

    private Optional<Task> load() {
        loads.incrementAndGet();
        return Optional.of(database.get());
    }

    @Test
    void givenACachedTask_whenReadAgain_thenTheDatabaseIsNotAskedTwice() {
        var cache = new TaskReadCache(true);

        cache.get("t", this::load);
        var again = cache.get("t", this::load);

        assertThat(again).contains(version(1));
        assertThat(loads).hasValue(1);
    }

    @Test
    void givenACachedTask_whenAChangeToItCommits_thenTheNextReadHasTheNewState() {
        var cache = new TaskReadCache(true);
        cache.get("t", this::load);

        database.set(version(2));
        cache.committed("t");

        assertThat(cache.get("t", this::load)).contains(version(2));
        assertThat(loads).hasValue(2);
    }

    @Test
    void givenAReadDuringWhichAnotherChangeCommits_whenItEnds_thenWhatItReadIsNotKept() {
        var cache = new TaskReadCache(true);

        cache.get("t", () -> {
            var read = load();
            // Committed after this read saw the database, before the read is stored.
            database.set(version(2));
            cache.committed("t");
            return read;
        });

        assertThat(cache.get("t", this::load)).contains(version(2));
    }

    @Test
    void givenTheCacheIsOff_whenReadTwice_thenBothReadsGoToTheDatabase() {
        var cache = new TaskReadCache(false);

        cache.get("t", this::load);
        cache.get("t", this::load);

        assertThat(loads).hasValue(2);
    }

    /** A task whose version shows in its creation time: all these tests compare is which one they got. */
    private static Task version(long n) {
        return new Task("t", TaskType.UPLOAD, n, null, null, null, "project", "requester", null, null, null, "user");
    }
}
