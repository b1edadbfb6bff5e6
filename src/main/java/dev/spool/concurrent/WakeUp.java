package dev.spool.concurrent;

import java.time.Duration;

/** Wakes idle claim loops (of tasks, of webhook deliveries) the moment work is queued, not at the next poll. */
public final class WakeUp {
    private final Object lock = new Object();
    private long generation;

    public void wake() {
        synchronized (lock) {
            generation++;
            lock.notifyAll();
        }
    }

    public long generation() {
        synchronized (lock) {
            return generation;
        }
    }

    /** Waits until a wake-up newer than {@code seen}, or the timeout. */
    public void await(long seen, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (generation == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
