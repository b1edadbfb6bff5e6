package dev.spool.storage;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a response body that has delivered nothing for too long. {@code java.net.http} only times
 * out the wait for response headers; a body read blocks for ever, so a stalled source would hold a
 * worker until the task's deadline. Closing the stream from another thread wakes the blocked read with
 * an {@link IOException}.
 */
final class IdleWatchdog implements AutoCloseable {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "spool-fetch-idle-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Closeable stream;
    private final long idleNanos;
    private final ScheduledFuture<?> task;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean fired;

    private IdleWatchdog(Closeable stream, Duration idle) {
        this.stream = stream;
        this.idleNanos = idle.toNanos();
        long period = Math.max(idleNanos / 4, MIN_PERIOD_NANOS);
        this.task = TIMER.scheduleAtFixedRate(this::inspect, period, period, TimeUnit.NANOSECONDS);
    }

    static IdleWatchdog watch(Closeable stream, Duration idle) {
        return new IdleWatchdog(stream, idle);
    }

    /** Records that data arrived. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    /** Whether the stream was closed because it went idle. */
    boolean fired() {
        return fired;
    }

    private void inspect() {
        if (fired || System.nanoTime() - lastActivity < idleNanos) {
            return;
        }
        fired = true;
        try {
            stream.close();
        } catch (IOException ignored) {
            // The reader sees the stream fail either way; there is nothing more to do here.
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
