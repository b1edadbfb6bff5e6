package dev.spool.task.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.concurrent.WakeUp;
import dev.spool.config.Config;
import dev.spool.task.Task;
import dev.spool.task.TaskType;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims tasks and runs their handlers, {@code slots} at a time, each under a lease that a supervisor renews.
 * The supervisor also stops handlers whose task was cancelled or whose lease was lost, and sweeps for tasks that
 * nobody will finish.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration SUPERVISE_EVERY = Duration.ofMillis(250);
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(2);
    private static final long PROGRESS_WRITE_MILLIS = 500;

    private final String id;
    private final TaskClaims claims;
    private final ClaimedTasks claimed;
    private final TaskSweep sweep;
    private final ChildRows children;
    private final Map<TaskType, TaskHandler> handlers;
    private final WakeUp wakeUp;
    private final int slots;
    private final Config.Engine config;
    private final Map<String, Run> running = new ConcurrentHashMap<>();
    private final Object slotFreed = new Object();
    private volatile boolean stopping;
    private Thread claimLoop;
    private Thread supervisor;

    public Worker(TaskEngine engine, Collection<TaskHandler> handlers, WakeUp wakeUp, int slots, Config.Engine config) {
        this.id = workerId();
        this.claims = engine.claims();
        this.claimed = engine.claimed();
        this.sweep = engine.sweep();
        this.children = engine.children();
        this.handlers = handlers.stream().collect(Collectors.toMap(TaskHandler::type, Function.identity()));
        this.wakeUp = wakeUp;
        this.slots = slots;
        this.config = config;
    }

    public String id() {
        return id;
    }

    public Worker start() {
        claimLoop = Thread.ofPlatform().name("spool-claim").start(this::claimLoop);
        supervisor = Thread.ofPlatform().daemon().name("spool-supervisor").start(this::supervise);
        log.info(
                "worker {} runs {} task(s) at a time for {}",
                id,
                slots,
                handlers.keySet().stream().map(TaskType::wire).sorted().toList());
        return this;
    }

    private void claimLoop() {
        while (!stopping) {
            try {
                long seen = wakeUp.generation();
                if (running.size() >= slots) {
                    synchronized (slotFreed) {
                        if (running.size() >= slots && !stopping) {
                            slotFreed.wait(config.pollInterval().toMillis());
                        }
                    }
                    continue;
                }
                var claim = claims.claim(id, handlers.keySet());
                if (claim.isPresent()) {
                    begin(claim.get());
                } else {
                    wakeUp.await(seen, config.pollInterval());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("claiming failed; trying again in a moment", e);
                pause();
            }
        }
    }

    private Run begin(TaskClaims.Claim claim) {
        var task = claim.task();
        var run = new Run(claim.task(), claim.attempt());
        running.put(task.id(), run);
        run.thread = Thread.ofVirtual().name("task-" + task.id()).unstarted(() -> execute(claim, run));
        run.thread.start();
        return run;
    }

    /**
     * A running parent helps with its own children: one due child is claimed and run like any claimed task (leased,
     * supervised, fenced), outside the slot count, while the parent's thread waits for it. So a parent never holds
     * the only slot while its children wait, and each worker that has a free slot takes children as well.
     */
    private boolean runChild(String parentId) throws InterruptedException {
        if (stopping) {
            return false;
        }
        var claim = children.claim(id, parentId);
        if (claim.isEmpty()) {
            return false;
        }
        var child = begin(claim.get());
        try {
            child.thread.join();
        } catch (InterruptedException e) {
            child.stop();
            child.thread.join();
            throw e;
        }
        return true;
    }

    private void execute(TaskClaims.Claim claim, Run run) {
        var task = claim.task();
        var handler = handlers.get(task.type());
        TaskLogContext.enter(task);
        try {
            JsonNode output = handler.run(task, run);
            run.finishing();
            run.flushProgress();
            if (!claimed.complete(id, task.id(), run.attempt, output)) {
                log.info(
                        "task {} attempt {} finished after its lease was lost; result dropped", task.id(), run.attempt);
            }
        } catch (TaskFailure failure) {
            run.finishing();
            log.info(
                    "task {} attempt {} failed: [{}] {}", task.id(), run.attempt, failure.code(), failure.getMessage());
            claimed.fail(id, task.id(), run.attempt, failure);
        } catch (InterruptedException e) {
            run.finishing();
            // Cancelled or lost: the fenced release changes nothing. Shutting down, or stopped for any other
            // reason while the task is still ours: it goes straight back to the queue rather than sit "running".
            claimed.release(id, task.id(), run.attempt);
        } catch (RuntimeException | Error e) {
            run.finishing();
            log.error("task {} attempt {}: handler crashed", task.id(), run.attempt, e);
            claimed.fail(
                    id,
                    task.id(),
                    run.attempt,
                    TaskFailure.retriable(
                            "internal_error",
                            "internal error processing the task ("
                                    + e.getClass().getSimpleName() + ")"));
        } finally {
            TaskLogContext.leave();
            running.remove(task.id());
            synchronized (slotFreed) {
                slotFreed.notifyAll();
            }
        }
    }

    private void supervise() {
        long lastRenew = System.nanoTime();
        long lastSweep = 0;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(SUPERVISE_EVERY.toMillis());
                if (!running.isEmpty()) {
                    stopLostRuns();
                }
                if (System.nanoTime() - lastRenew > config.leaseDuration().toNanos() / 3) {
                    claimed.renewLeases(id, running.keySet());
                    lastRenew = System.nanoTime();
                }
                if (System.nanoTime() - lastSweep > SWEEP_EVERY.toNanos()) {
                    sweep.sweep();
                    lastSweep = System.nanoTime();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("worker supervision failed: {}", e.getMessage());
            }
        }
    }

    /** Interrupts every handler whose task is no longer this worker's: cancelled, timed out or swept. */
    private void stopLostRuns() {
        // Only runs claimed before the query: a claim committing while it runs may be missing from its answer.
        var known = List.copyOf(running.values());
        var held = claimed.held(id);
        for (var run : known) {
            Integer attempt = held.get(run.taskId);
            if ((attempt == null || attempt != run.attempt) && !run.lost && run.stop()) {
                log.info(
                        "task {} attempt {} is no longer ours (cancelled or lease lost): stopping it",
                        run.taskId,
                        run.attempt);
            }
        }
    }

    /**
     * Stops claiming, lets running handlers finish within the grace period, then interrupts the rest and gives
     * their tasks back to the queue at once so another worker takes them.
     */
    public void shutdown(Duration grace) {
        stopping = true;
        if (claimLoop != null) {
            claimLoop.interrupt();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (slotFreed) {
            while (!running.isEmpty() && System.nanoTime() < deadline) {
                try {
                    slotFreed.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        for (var run : running.values()) {
            if (run.stop()) {
                claimed.release(id, run.taskId, run.attempt);
            }
        }
        if (supervisor != null) {
            supervisor.interrupt();
        }
        if (!running.isEmpty()) {
            log.info("released {} running task(s) back to the queue", running.size());
        }
    }

    @Override
    public void close() {
        shutdown(config.shutdownGrace());
    }

    private void pause() {
        try {
            Thread.sleep(config.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String workerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        String pid = ManagementFactory.getRuntimeMXBean().getName().split("@")[0];
        return host + "/" + pid + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** One handler run: its context, and how the worker reaches its thread. */
    private final class Run implements TaskContext {
        private final String taskId;
        private final int attempt;
        private final Children children;
        private volatile Thread thread;
        private volatile boolean lost;
        private boolean finishing;
        private double progress;
        // The claim wrote progress 0 and no step: nothing to write until the handler reports more.
        private double written;
        private String step;
        private String writtenStep;
        private long lastWrite;

        Run(Task task, int attempt) {
            this.taskId = task.id();
            this.attempt = attempt;
            this.children = new Children(Worker.this.children, task, attempt, Worker.this::runChild);
        }

        @Override
        public Children children() {
            return children;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        /**
         * Interrupts the handler unless it already finished and is writing its result: an interrupt during a
         * database call would break the connection (socket I/O is interruptible on virtual threads).
         */
        synchronized boolean stop() {
            if (finishing) {
                return false;
            }
            lost = true;
            thread.interrupt();
            return true;
        }

        /** From here on the run writes its outcome; no interrupt reaches it any more, and a pending one is dropped. */
        synchronized void finishing() {
            finishing = true;
            Thread.interrupted();
        }

        @Override
        public synchronized void progress(double fraction) {
            progress = Math.max(progress, Math.max(0, Math.min(1, fraction)));
            long now = System.currentTimeMillis();
            if (now - lastWrite >= PROGRESS_WRITE_MILLIS) {
                flushProgress();
            }
        }

        @Override
        public synchronized void step(String name) {
            step = name;
            flushProgress();
        }

        synchronized void flushProgress() {
            if (progress == written && java.util.Objects.equals(step, writtenStep)) {
                return;
            }
            lastWrite = System.currentTimeMillis();
            written = progress;
            writtenStep = step;
            try {
                // Progress comes from ffmpeg's output reader, not the handler's thread: a handler blocked on its
                // child process learns that the task is no longer its own only by the interrupt.
                if (!claimed.progress(id, taskId, attempt, progress, step) && stop()) {
                    log.info(
                            "task {} attempt {} is no longer ours (cancelled or lease lost): stopping it",
                            taskId,
                            attempt);
                }
            } catch (RuntimeException e) {
                // An interrupted (stopped) handler's last progress write may fail; the task is no longer ours.
                if (!lost) {
                    throw e;
                }
            }
        }

        @Override
        public void checkCancelled() throws InterruptedException {
            if (lost || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("task " + taskId + " was cancelled or its lease was lost");
            }
        }
    }
}
