package dev.spool.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The read cache never answers a value older than the last change it heard of, nor any while it cannot hear. */
class ReadCacheTest {
    private static final Duration LONG = Duration.ofHours(1);

    private final AtomicReference<String> database = new AtomicReference<>("v1");
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicBoolean live = new AtomicBoolean(true);

    private String load() {
        loads.incrementAndGet();
        return database.get();
    }

    private ReadCache<String, String> cache(Duration maxAge) {
        return new ReadCache<>(live::get, 100, maxAge);
    }

    @Test
    void givenACachedValue_whenReadAgain_thenTheDatabaseIsNotAskedTwice() {
        var cache = cache(LONG);

        cache.get("t", this::load);
        var again = cache.get("t", this::load);

        assertThat(again).isEqualTo("v1");
        assertThat(loads).hasValue(1);
    }

    @Test
    void givenACachedValue_whenAChangeToItIsHeard_thenTheNextReadHasTheNewValue() {
        var cache = cache(LONG);
        cache.get("t", this::load);

        database.set("v2");
        cache.forget("t");

        assertThat(cache.get("t", this::load)).isEqualTo("v2");
        assertThat(loads).hasValue(2);
    }

    @Test
    void givenAReadDuringWhichAnotherChangeIsHeard_whenItEnds_thenWhatItReadIsNotKept() {
        var cache = cache(LONG);

        cache.get("t", () -> {
            var read = load();
            // Committed after this read saw the database, heard before the read is stored.
            database.set("v2");
            cache.forget("other");
            return read;
        });

        assertThat(cache.get("t", this::load)).isEqualTo("v2");
    }

    @Test
    void givenCachedValues_whenChangesMayHaveBeenMissed_thenEveryValueIsReadAgain() {
        var cache = cache(LONG);
        cache.get("t", this::load);

        database.set("v2");
        cache.forgetAll();

        assertThat(cache.get("t", this::load)).isEqualTo("v2");
    }

    @Test
    void givenNotificationsAreNotLive_whenReadTwice_thenBothReadsGoToTheDatabase() {
        var cache = cache(LONG);
        cache.get("t", this::load);

        live.set(false);
        database.set("v2");

        assertThat(cache.get("t", this::load)).isEqualTo("v2");
        assertThat(cache.get("t", this::load)).isEqualTo("v2");
        assertThat(loads).hasValue(3);
    }

    @Test
    void givenAValueOlderThanTheMaximumAge_whenRead_thenTheDatabaseIsAskedAgain() {
        var cache = cache(Duration.ZERO);
        cache.get("t", this::load);

        database.set("v2");

        assertThat(cache.get("t", this::load)).isEqualTo("v2");
    }

    @Test
    void givenNoMaximumAge_whenRead_thenTheValueIsKept() {
        var cache = new ReadCache<String, String>(live::get, 100, java.time.temporal.ChronoUnit.FOREVER.getDuration());

        cache.get("t", this::load);
        cache.get("t", this::load);

        assertThat(loads).hasValue(1);
    }
}
