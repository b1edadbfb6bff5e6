package dev.spool.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a failed delivery is tried again, with Spool's defaults: 5 s doubling up to 1 h, for 24 h. */
class RetryPolicyTest {
    private static final long CREATED = 1_700_000_000_000L;
    private final RetryPolicy policy =
            new RetryPolicy(Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofHours(24));

    @Test
    void theWaitStartsAtTheBaseDoublesAndStopsAtTheCap() {
        long now = CREATED + 1000;

        assertThat(policy.next(1, CREATED, now, null)).hasValue(now + 5_000);
        assertThat(policy.next(2, CREATED, now, null)).hasValue(now + 10_000);
        assertThat(policy.next(3, CREATED, now, null)).hasValue(now + 20_000);
        assertThat(policy.next(10, CREATED, now, null)).hasValue(now + 2_560_000);
        assertThat(policy.next(11, CREATED, now, null)).hasValue(now + 3_600_000);
        assertThat(policy.next(500, CREATED, now, null)).hasValue(now + 3_600_000);
    }

    @Test
    void aLongerRetryAfterIsHonouredAndAShorterOneIgnored() {
        long now = CREATED + 1000;

        assertThat(policy.next(1, CREATED, now, Duration.ofSeconds(90))).hasValue(now + 90_000);
        assertThat(policy.next(3, CREATED, now, Duration.ofSeconds(1))).hasValue(now + 20_000);
    }

    @Test
    void retriesGoOnForTheWholeWindowThenStop() {
        long window = Duration.ofHours(24).toMillis();
        long justBefore = CREATED + window - 1;

        assertThat(policy.next(30, CREATED, justBefore, null)).hasValue(justBefore + 3_600_000);
        assertThat(policy.next(31, CREATED, CREATED + window, null)).isEmpty();
        // A Retry-After beyond the window brings the last attempt to the window's end.
        long early = CREATED + Duration.ofHours(20).toMillis();
        assertThat(policy.next(5, CREATED, early, Duration.ofDays(7))).hasValue(CREATED + window);
    }

    @Test
    void attemptsAtTheDefaultsSpanAtLeastADay() {
        long now = CREATED;
        int failures = 0;
        while (true) {
            var next = policy.next(++failures, CREATED, now, null);
            if (next.isEmpty()) {
                break;
            }
            now = next.getAsLong();
        }

        assertThat(now - CREATED).isGreaterThanOrEqualTo(Duration.ofHours(24).toMillis());
        assertThat(failures).isBetween(30, 40);
    }
}
