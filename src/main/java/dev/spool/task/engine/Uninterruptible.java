package dev.spool.task.engine;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs a database call to its end even when the calling thread is interrupted meanwhile. Socket reads of a virtual
 * thread are interruptible: an interrupt during a claim's commit would close the connection after the database had
 * committed, leaving a task leased to this worker that nothing runs until its lease runs out. Here the call runs on a
 * thread of its own while the caller waits; an interrupt waits for the call and stays set for the caller to act on.
 */
final class Uninterruptible {
    private Uninterruptible() {}

    static <T> T call(Supplier<T> call) {
        var result = new AtomicReference<T>();
        var failure = new AtomicReference<Throwable>();
        var thread = Thread.ofVirtual()
                .name(Thread.currentThread().getName() + "-db")
                .start(() -> {
                    try {
                        result.set(call.get());
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() instanceof RuntimeException e) {
            throw e;
        }
        if (failure.get() instanceof Error e) {
            throw e;
        }
        if (failure.get() != null) {
            // a checked exception a library threw unannounced
            throw new IllegalStateException(failure.get());
        }
        return result.get();
    }
}
