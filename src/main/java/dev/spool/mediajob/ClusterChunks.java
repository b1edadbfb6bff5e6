package dev.spool.mediajob;

import dev.spool.media.ChunkRunner;
import dev.spool.media.MediaException;
import dev.spool.storage.ObjectInfo;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.StorageException;
import dev.spool.task.TaskPhase;
import dev.spool.task.engine.Children;
import dev.spool.task.engine.TaskContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a media task's chunks as {@code encode-chunk} child tasks that any worker of the cluster claims: the source
 * goes to the object store once, under a name holding its SHA-256, and each chunk's files come back through it under
 * a prefix of this attempt. While it waits, the parent's worker runs the children itself ({@link Children#runOne}),
 * so a single worker slot suffices and every further worker shortens the wait.
 *
 * <p>A later attempt of the task (its worker died or stopped, its lease ran out, the attempt failed and is retried)
 * does not encode again the chunks an earlier attempt finished while its chunks were encoding: a chunk whose encode
 * is the same, on a source with the same SHA-256, keeps its files, which move under the new attempt's prefix; the
 * earlier attempts' files are removed once the new attempt's children are recorded. Once the chunks are collected
 * the source's copy goes, and their files stay until the task's outputs are published ({@link MediaJobs#run}): a
 * publish that fails and is retried does not encode them again. An encode that fails after they were collected (the
 * join, or what follows it) drops them ({@link #discardCollected}): a chunk may be what failed it (not when the
 * audio's own encode failed, {@link dev.spool.media.JoinAudio#FAILED}). They go at once
 * when the task has ended or failed for good; otherwise the finished chunks wait for the next attempt (or, should the
 * task end without one, for {@link ChunkLeftovers}).
 */
final class ClusterChunks implements ChunkRunner {
    private static final Logger log = LoggerFactory.getLogger(ClusterChunks.class);
    private static final Duration POLL = Duration.ofMillis(250);
    /** Where the attempts' sources and chunk files live while the chunks run. */
    static final String ROOT = "spool-chunks/";
    /**
     * The start of the source copy's name, which ends with the source's SHA-256: the chunks' specs name their source,
     * so they tell which bytes they were encoded from, and every version of the chunk handler reads them.
     */
    private static final String SOURCE = "source-";

    private final ObjectStore store;
    private final TaskContext context;
    private final String taskId;
    private final String prefix;
    /** Every chunk's files are in the work directory. */
    private boolean collected;

    ClusterChunks(ObjectStore store, TaskContext context, String taskId) {
        this.store = store;
        this.context = context;
        this.taskId = taskId;
        this.prefix = ROOT + ChunkLeftovers.attemptName(taskId, context.attempt()) + "/";
    }

    @Override
    public void run(Path input, String inputSha256, Path work, List<Job> jobs, Progress progress)
            throws MediaException, InterruptedException {
        Children children = context.children();
        String source = prefix + SOURCE + inputSha256;
        boolean spawned = false;
        boolean gaveUp = false;
        try {
            var doneEarlier = doneEarlier(children.list(), inputSha256);
            var parts = new ArrayList<Children.Part>();
            for (Job job : jobs) {
                var done = doneEarlier.get(job);
                if (done != null && !carriedOver(done, output(job), work)) {
                    done = null;
                }
                parts.add(new Children.Part(new ChunkSpec(job, source, output(job)).toJson(), done));
            }
            if (parts.stream().anyMatch(part -> part.done() == null)) {
                store.putFinished(source, input, null);
            }
            long carried = parts.stream().filter(part -> part.done() != null).count();
            if (carried > 0) {
                log.info(
                        "task {} attempt {}: {} of {} chunk(s) were encoded by an earlier attempt and are kept",
                        taskId,
                        context.attempt(),
                        carried,
                        parts.size());
            }
            children.spawn(parts);
            spawned = true;
            // Only now: until the children above are recorded, the earlier attempt's rows name its files.
            removeEarlierAttempts();
            awaitAll(children, jobs, progress);
            for (int i = 0; i < jobs.size(); i++) {
                if (parts.get(i).done() == null) {
                    collect(output(jobs.get(i)), work);
                }
            }
            collected = true;
        } catch (MediaException e) {
            gaveUp = !e.retriable();
            throw e;
        } catch (StorageException e) {
            throw new MediaException(
                    "storage_error", "cannot exchange the chunks through the object store: " + e.getMessage(), true, e);
        } catch (IOException e) {
            throw new MediaException("io_error", "cannot write a chunk's files: " + e.getMessage(), true, e);
        } finally {
            cleanUp(children, source, gaveUp, spawned);
        }
    }

    private String output(Job job) {
        return prefix + "c" + job.index();
    }

    /**
     * The completed children of the last attempt that encoded on the same source (their source's name ends with its
     * SHA-256), by their encode. A child whose spec cannot be read is not among them: it is encoded again.
     */
    private Map<Job, Children.Child> doneEarlier(List<Children.Child> children, String inputSha256) {
        var done = new HashMap<Job, Children.Child>();
        for (var child : children) {
            if (child.phase() != TaskPhase.COMPLETED || child.output() == null) {
                continue;
            }
            try {
                var spec = ChunkSpec.of(child.params());
                if (spec.source().endsWith("/" + SOURCE + inputSha256)) {
                    done.put(spec.job(), child);
                }
            } catch (RuntimeException e) {
                log.warn(
                        "task {}: cannot read the spec of chunk {}, encoding it again: {}",
                        taskId,
                        child.id(),
                        e.toString());
            }
        }
        return done;
    }

    /**
     * Brings a chunk an earlier attempt encoded into {@code work}, and copies it within the store under this attempt's
     * {@code output} (on S3 no byte travels through this process for that); false, and
     * the chunk is encoded again, when its files are no longer all there or cannot be read (an attempt that lost its
     * lease and runs on cleaned them up, the store lost them).
     */
    private boolean carriedOver(Children.Child done, String output, Path work) {
        try {
            String from = ChunkSpec.of(done.params()).output();
            var files = collect(from, work);
            if (files.isEmpty() || files.size() != done.output().path("files").asInt()) {
                return false;
            }
            for (String file : files) {
                store.copy(from + "/" + file, output + "/" + file);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn("task {}: cannot keep chunk {}, encoding it again: {}", taskId, done.id(), e.toString());
            return false;
        }
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

    /** Brings the files under {@code output} into {@code work}, under their paths relative to it; answers the paths. */
    private List<String> collect(String output, Path work) throws IOException {
        String from = output + "/";
        var files = new ArrayList<String>();
        for (ObjectInfo object : store.list(from)) {
            String file = object.key().substring(from.length());
            Path target = work.resolve(file).normalize();
            if (!target.startsWith(work)) {
                throw new IOException("chunk file " + object.key() + " lies outside the work directory");
            }
            Files.createDirectories(target.getParent());
            store.getInto(object.key(), target);
            files.add(file);
        }
        return files;
    }

    /**
     * Children still running after a failure, a cancel or a stop are stopped. The exchanged files go once the task
     * failed for good ({@code gaveUp}) or has ended (cancelled); otherwise (collected, or the encode failed and may be
     * retried, or the process is stopping) only the source's copy goes, and the finished chunks' files wait for the
     * publish, for the next attempt, which keeps them, or for the reaper once the task has ended. A failure here must
     * not hide the run's own outcome.
     */
    private void cleanUp(Children children, String source, boolean gaveUp, boolean spawned) {
        try {
            if (!collected) {
                children.cancelUnfinished("the encode this chunk belongs to stopped");
            }
            if (gaveUp || children.parentEnded()) {
                store.deletePrefix(prefix);
            } else {
                store.delete(source);
            }
        } catch (RuntimeException e) {
            log.warn("cannot clean up the chunks under {}: {}", prefix, e.getMessage());
        }
        if (spawned) {
            // Again at the end: a chunk of an earlier attempt that was still running on another worker when this one
            // began may have written its files since.
            removeEarlierAttempts();
        }
    }

    /**
     * The encode failed after its chunks were collected: their files go, so that its retry encodes them anew rather
     * than meet the same failure again should a chunk be its cause. Never hides the encode's own failure.
     */
    void discardCollected() {
        if (!collected) {
            return;
        }
        try {
            store.deletePrefix(prefix);
            log.info(
                    "task {} attempt {}: the encode failed after its chunks were collected; they are encoded again",
                    taskId,
                    context.attempt());
        } catch (RuntimeException e) {
            log.warn("cannot remove the chunks under {}: {}", prefix, e.getMessage());
        }
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
