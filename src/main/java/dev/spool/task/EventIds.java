package dev.spool.task;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids of the outbox's rows: UUIDs of version 7 (RFC 9562), the time in milliseconds first. Each new row's id then
 * lands at the end of the unique index on them instead of on a random page of it; with random UUIDs that index was
 * the costliest of the three a task's event inserts into. Nothing reads the ids but that index (streams number events
 * by their sequence), so they need no unpredictability: the random bits come from the thread's generator, not the
 * secure one whose lock a worker's round queued on for every event.
 */
final class EventIds {
    private static final long VERSION_7 = 0x7000L;
    private static final long VARIANT_RFC = 0x8000_0000_0000_0000L;

    private EventIds() {}

    static String next() {
        return next(System.currentTimeMillis());
    }

    static String next(long epochMillis) {
        var random = ThreadLocalRandom.current();
        long high = (epochMillis << 16) | VERSION_7 | (random.nextLong() & 0x0fffL);
        long low = VARIANT_RFC | (random.nextLong() & 0x3fff_ffff_ffff_ffffL);
        return new UUID(high, low).toString();
    }
}
