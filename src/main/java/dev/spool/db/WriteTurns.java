package dev.spool.db;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionException;
import org.jdbi.v3.core.transaction.TransactionHandler;

/**
 * The embedded store's transactions, one at a time in the order they began. SQLite lets one transaction write at a
 * time and makes the others poll, sleeping longer the longer they have waited: under a stream of writers the newest
 * keep winning and an early one can wait out the whole busy timeout. Queued here first, each finds the write lock
 * free when its turn comes. A permit, not a lock owned by a thread: a transaction may end on another thread than the
 * one that began it.
 */
final class WriteTurns extends DelegatingTransactionHandler {
    private final Semaphore turn = new Semaphore(1, true);
    private final Set<Handle> holding = ConcurrentHashMap.newKeySet();
    private final Duration patience;

    /** @param patience how long a transaction waits for its turn before it fails, as SQLite's busy timeout would */
    WriteTurns(TransactionHandler delegate, Duration patience) {
        super(delegate);
        this.patience = patience;
    }

    @Override
    public void begin(Handle handle) {
        if (holding.contains(handle)) {
            super.begin(handle);
            return;
        }
        await();
        holding.add(handle);
        try {
            super.begin(handle);
        } catch (RuntimeException e) {
            release(handle);
            throw e;
        }
    }

    @Override
    public void commit(Handle handle) {
        try {
            super.commit(handle);
        } finally {
            release(handle);
        }
    }

    @Override
    public void rollback(Handle handle) {
        try {
            super.rollback(handle);
        } finally {
            release(handle);
        }
    }

    private void await() {
        try {
            if (!turn.tryAcquire(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TransactionException(
                        "the embedded store stayed busy with other transactions for " + patience.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransactionException("interrupted while waiting for the embedded store", e);
        }
    }

    private void release(Handle handle) {
        if (holding.remove(handle)) {
            turn.release();
        }
    }
}
