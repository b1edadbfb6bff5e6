package dev.spool.task;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Recently read tasks, for the embedded store only, where this process makes every write: polling clients then
 * cost a map lookup instead of a SQLite read. Every committed change drops its task; a read that overlapped any
 * commit is not kept, so the cache never holds a state older than the database's.
 */
final class TaskReadCache {
    private static final int MAX_ENTRIES = 50_000;

    private final boolean enabled;
    private final ConcurrentHashMap<String, Task> entries = new ConcurrentHashMap<>();
    private final AtomicLong commits = new AtomicLong();

    TaskReadCache(boolean enabled) {
        this.enabled = enabled;
    }

    Optional<Task> get(String id, Supplier<Optional<Task>> load) {
        if (!enabled) {
            return load.get();
        }
        var cached = entries.get(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        long before = commits.get();
        var loaded = load.get();
        if (loaded.isPresent() && commits.get() == before) {
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(id, loaded.get());
            if (commits.get() != before) {
                entries.remove(id);
            }
        }
        return loaded;
    }

    /** Called after a change to the task committed. */
    void committed(String id) {
        if (enabled) {
            commits.incrementAndGet();
            entries.remove(id);
        }
    }
}
