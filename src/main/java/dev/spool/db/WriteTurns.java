package dev.spool.db;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionException;
import org.jdbi.v3.core.transaction.TransactionHandler;

/**
 * The embedded store's writers, one at a time in the order they asked: every transaction, and every statement that
 * writes outside one. SQLite lets one writer hold its lock at a time and makes the others poll, sleeping longer the
 * longer they have waited: under a stream of writers the newest keep winning and an early one can wait out the whole
 * busy timeout. Queued here first, each finds the write lock free when its turn comes. A permit, not a lock owned by a
 * thread: a transaction may end on another thread than the one that began it.
 */
final class WriteTurns extends DelegatingTransactionHandler implements StatementCustomizer {
    private static final Pattern READ = Pattern.compile("(?i)\\s*(SELECT|PRAGMA|EXPLAIN|VALUES)\\b");
    private static final Pattern WITH = Pattern.compile("(?i)\\s*WITH\\b");
    private static final Pattern CHANGE = Pattern.compile("(?i)\\b(INSERT|UPDATE|DELETE|REPLACE)\\b");

    private final Semaphore turn = new Semaphore(1, true);
    private final Set<Handle> holding = ConcurrentHashMap.newKeySet();
    private final Duration patience;

    /** @param patience how long a writer waits for its turn before it fails, as SQLite's busy timeout would */
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

    /** A statement that writes outside a transaction (autocommit) takes its turn until it is closed. */
    @Override
    public void beforeExecution(PreparedStatement statement, StatementContext ctx) throws SQLException {
        if (!ctx.getConnection().getAutoCommit() || !writes(ctx.getRenderedSql())) {
            return;
        }
        try {
            await();
        } catch (TransactionException e) {
            throw new SQLException(e.getMessage(), e);
        }
        ctx.addCleanable(turn::release);
    }

    /** Whether a statement may change the database: anything but a query (a WITH may end in a change). */
    static boolean writes(String sql) {
        if (WITH.matcher(sql).lookingAt()) {
            return CHANGE.matcher(sql).find();
        }
        return !READ.matcher(sql).lookingAt();
    }

    private void await() {
        try {
            if (!turn.tryAcquire(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TransactionException(
                        "the embedded store stayed busy with other writers for " + patience.toSeconds() + " s");
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
