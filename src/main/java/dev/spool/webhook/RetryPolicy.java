package dev.spool.webhook;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * When a failed delivery is tried again: after {@code base}, doubling with each failure up to {@code cap}, and no
 * sooner than the receiver's Retry-After, until the event is {@code window} old; the attempt that fails after that
 * is the last.
 */
record RetryPolicy(Duration base, Duration cap, Duration window) {

    /** The time of the next attempt after the {@code failures}-th failed one, or empty to give up. */
    OptionalLong next(int failures, long createdAt, long now, Duration retryAfter) {
        long windowEnd = createdAt + window.toMillis();
        if (now >= windowEnd) {
            return OptionalLong.empty();
        }
        long backOff = Math.min(cap.toMillis(), base.toMillis() << Math.min(Math.max(failures - 1, 0), 40));
        long wait = retryAfter == null ? backOff : Math.max(backOff, retryAfter.toMillis());
        // A Retry-After past the window moves the last attempt to the window's end, not beyond.
        return OptionalLong.of(Math.min(now + wait, Math.max(windowEnd, now + backOff)));
    }
}
