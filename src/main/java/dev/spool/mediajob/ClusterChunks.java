package dev.spool.mediajob;

import dev.spool.media.ChunkRunner;
import dev.spool.media.MediaException;
import dev.spool.storage.ObjectInfo;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.StorageException;
import dev.spool.task.engine.Children;
import dev.spool.task.engine.TaskContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a media task's chunks as {@code encode-chunk} child tasks that any worker of the cluster claims: the source
 * goes to the object store once, each chunk's files come back through it under a prefix of this attempt, removed
 * in every outcome (should this process die first, by a later attempt or process: {@link ChunkLeftovers}). While
 * it waits, the parent's worker runs the children itself ({@link Children#runOne}), so a single worker slot
 * suffices and every further worker shortens the wait.
 */
final class ClusterChunks implements ChunkRunner {
    private static final Logger log = LoggerFactory.getLogger(ClusterChunks.class);
    private static final Duration POLL = Duration.ofMillis(250);
    /** Where the attempts' sources and chunk files live while the chunks run. */
    static final String ROOT = "spool-chunks/";

    private final ObjectStore store;
    private final TaskContext context;
    private final String taskId;
    private final String prefix;

    ClusterChunks(ObjectStore store, TaskContext context, String taskId) {
        this.store = store;
        this.context = context;
        this.taskId = taskId;
        this.prefix = ROOT + ChunkLeftovers.attemptName(taskId, context.attempt()) + "/";
    }

    @Override
    public void run(Path input, Path work, List<Job> jobs, Progress progress)
            throws MediaException, InterruptedException {
        Children children = context.children();
        boolean collected = false;
        removeEarlierAttempts();
        try {
            String source = prefix + "source";
            store.putFinished(source, input, null);
            children.spawn(jobs.stream()
                    .map(job -> new ChunkSpec(job, source, output(job)).toJson())
                    .toList());
            awaitAll(children, jobs, progress);
            for (Job job : jobs) {
                collect(output(job), work);
            }
            collected = true;
        } catch (StorageException e) {
            throw new MediaException(
                    "storage_error", "cannot exchange the chunks through the object store: " + e.getMessage(), true, e);
        } catch (IOException e) {
            throw new MediaException("io_error", "cannot write a chunk's files: " + e.getMessage(), true, e);
        } finally {
            cleanUp(children, collected);
        }
    }

    private String output(Job job) {
        return prefix + "c" + job.index();
    }

    /**
     * Waits until every child has completed, reporting their progress; meanwhile a helper on this worker runs every
     * child that is due (others' workers take the rest).
     */
    private void awaitAll(Children children, List<Job> jobs, Progress progress)
            throws MediaException, InterruptedException {
        Thread helper = Thread.ofVirtual().name("chunk-helper").start(() -> help(children));
        try {
            while (!allCompleted(children.list(), jobs, progress)) {
                context.checkCancelled();
                Thread.sleep(POLL.toMillis());
            }
        } finally {
            // the child it runs, if any, goes back to the queue (or stays cancelled)
            helper.interrupt();
            helper.join();
        }
    }

    private static void help(Children children) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                if (!children.runOne()) {
                    Thread.sleep(POLL.toMillis());
                }
            }
        } catch (InterruptedException e) {
            // the parent stopped waiting
        } catch (RuntimeException e) {
            log.warn("helping with the chunks failed; other workers run them: {}", e.getMessage());
        }
    }

    private static boolean allCompleted(List<Children.Child> states, List<Job> jobs, Progress progress)
            throws MediaException, InterruptedException {
        boolean all = states.size() == jobs.size();
        for (int i = 0; i < states.size(); i++) {
            var child = states.get(i);
            int index = jobs.get(i).index();
            switch (child.phase()) {
                case COMPLETED -> progress.chunk(index, 1);
                case FAILED ->
                    throw new MediaException(
                            child.errorCode() == null ? "chunk_failed" : child.errorCode(),
                            "chunk " + index + " failed: " + child.errorMessage(),
                            false);
                case CANCELLED -> throw new InterruptedException("chunk " + index + " was cancelled");
                default -> {
                    progress.chunk(index, child.progress());
                    all = false;
                }
            }
        }
        return all;
    }

    /** Brings the files under {@code from} into {@code work}, under their paths relative to it. */
    private void collect(String output, Path work) throws IOException {
        String from = output + "/";
        for (ObjectInfo object : store.list(from)) {
            Path target = work.resolve(object.key().substring(from.length())).normalize();
            if (!target.startsWith(work)) {
                throw new IOException("chunk file " + object.key() + " lies outside the work directory");
            }
            Files.createDirectories(target.getParent());
            store.getInto(object.key(), target);
        }
    }

    /**
     * Children still running after a failure or cancel are stopped; the exchanged files go in every outcome. A
     * failure here must not hide the run's own outcome.
     */
    private void cleanUp(Children children, boolean collected) {
        try {
            if (!collected) {
                children.cancelUnfinished("the encode this chunk belongs to stopped");
            }
            store.deletePrefix(prefix);
        } catch (RuntimeException e) {
            log.warn("cannot clean up the chunks under {}: {}", prefix, e.getMessage());
        }
        // Again at the end: a chunk of an earlier attempt that was still running on another worker when this one began
        // may have written its files since.
        removeEarlierAttempts();
    }

    /** What earlier attempts of this task left (their process died before cleaning up); never fails the encode. */
    private void removeEarlierAttempts() {
        try {
            ChunkLeftovers.reapEarlierAttempts(store, taskId, context.attempt());
        } catch (RuntimeException e) {
            log.warn("cannot remove the chunk files of earlier attempts of task {}: {}", taskId, e.getMessage());
        }
    }
}
