package dev.spool.mediajob;

import dev.spool.storage.ObjectStore;
import java.time.Duration;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What attempts that did not finish left in the object store under {@code spool-chunks/<task id>-a<attempt>/}: a
 * process that died leaves the attempt's copy of the source (as large as the input) and its chunks' files; an attempt
 * that failed or stopped leaves its finished chunks' files. The task's next attempt keeps the chunks it can use and
 * removes the rest when it starts its chunks ({@link ClusterChunks}); the attempt that publishes the task's outputs
 * removes its own and the earlier ones' ({@link #reapPublished}); every worker process reaps when it starts and then
 * periodically ({@link #start}) what tasks that ended left (failed for good, cancelled). A task waiting for its next
 * attempt keeps its files for it.
 */
public final class ChunkLeftovers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChunkLeftovers.class);
    private static final String ATTEMPT = "-a";

    private final ObjectStore store;
    private final Predicate<String> taskUnfinished;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("spool-chunk-leftovers").factory());

    /** @param taskUnfinished whether the task of this id has not ended (it waits or runs) */
    public ChunkLeftovers(ObjectStore store, Predicate<String> taskUnfinished) {
        this.store = store;
        this.taskUnfinished = taskUnfinished;
    }

    /**
     * Reaps at once and then every {@code every}, in the background: the store may be remote and hold many objects,
     * and nothing waits for it.
     */
    public ChunkLeftovers start(Duration every) {
        scheduler.scheduleWithFixedDelay(this::reapSafely, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void reapSafely() {
        try {
            reap(store, taskUnfinished);
        } catch (RuntimeException e) {
            log.warn("cannot remove chunk files left by stopped processes (tried again later): {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    /**
     * Removes the files of every attempt whose task has ended or is gone. The attempts are listed before the tasks are
     * asked about, so an attempt that starts meanwhile (under a prefix of its own) is never among those removed.
     *
     * @return how many attempts' files were removed
     */
    static int reap(ObjectStore store, Predicate<String> taskUnfinished) {
        int removed = reap(store, ClusterChunks.ROOT, attempt -> taskUnfinished.test(taskOf(attempt)));
        if (removed > 0) {
            log.info("removed the chunk files of {} attempt(s) of tasks that ended without them", removed);
        }
        return removed;
    }

    /**
     * Removes what the task's attempts before {@code attempt} left. Later ones are kept: a process that lost its lease
     * and runs on unaware must not remove the files of the attempt that took the task over.
     */
    static int reapEarlierAttempts(ObjectStore store, String taskId, int attempt) {
        return reap(store, ClusterChunks.ROOT + taskId + ATTEMPT, name -> attemptOf(name) >= attempt);
    }

    /**
     * Removes what the task's attempts up to {@code attempt} left, once that attempt published the task's outputs;
     * never fails. A later attempt's files are kept, as above.
     */
    static void reapPublished(ObjectStore store, String taskId, int attempt) {
        try {
            reap(store, ClusterChunks.ROOT + taskId + ATTEMPT, name -> attemptOf(name) > attempt);
        } catch (RuntimeException e) {
            log.warn(
                    "cannot remove the chunk files of task {} (the reaper tries again later): {}",
                    taskId,
                    e.getMessage());
        }
    }

    /** The attempt name ({@code <task id>-a<attempt>}) of each prefix under {@code from}, removed unless kept. */
    private static int reap(ObjectStore store, String from, Predicate<String> keep) {
        var attempts = new TreeSet<String>();
        for (var object : store.list(from)) {
            String key = object.key().substring(ClusterChunks.ROOT.length());
            int slash = key.indexOf('/');
            if (slash > 0) {
                attempts.add(key.substring(0, slash));
            }
        }
        int removed = 0;
        for (String attempt : attempts) {
            if (!keep.test(attempt)) {
                store.deletePrefix(ClusterChunks.ROOT + attempt + "/");
                removed++;
            }
        }
        return removed;
    }

    /** {@code <task id>-a<attempt>}: task ids hold dashes, the attempt's suffix is the last one. */
    private static String taskOf(String attempt) {
        int suffix = attempt.lastIndexOf(ATTEMPT);
        return suffix > 0 ? attempt.substring(0, suffix) : attempt;
    }

    /** The attempt number of a {@code <task id>-a<attempt>} name; a name that holds none is never taken as earlier. */
    private static int attemptOf(String name) {
        try {
            return Integer.parseInt(name.substring(name.lastIndexOf(ATTEMPT) + ATTEMPT.length()));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** The name of a task's attempt, the prefix of its chunk files under the root. */
    static String attemptName(String taskId, int attempt) {
        return taskId + ATTEMPT + attempt;
    }
}
