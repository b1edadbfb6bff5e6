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
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims tasks and runs their handlers, {@code slots} at a time, each under a lease that a supervisor renews.
 * One loop makes the worker's durable writes in rounds ({@link WorkerRounds}): the outcomes of the runs that ended
 * since the last round and the claims for the slots they left free, in one transaction. The supervisor also stops
 * handlers whose task was cancelled or whose lease was lost, and sweeps for tasks that nobody will finish.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration SUPERVISE_EVERY = Duration.ofMillis(250);
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(2);
    private static final long PROGRESS_WRITE_MILLIS = 500;
    /** Consecutive short looks for work another claimer holds locked, before waiting for a wake-up. */
    private static final int LOCKED_LOOKS = 5;
    /** How long shutdown waits for the loop's last round (the outcomes of runs that just ended). */
    private static final Duration LOOP_JOIN = Duration.ofSeconds(10);
    /**
     * How long a round that began runs lets them end before the next round starts: runs that end moments after they
     * begin (quick tasks, immediate failures) then share one commit instead of costing one each.
     */
    private static final long GATHER_NANOS = Duration.ofMillis(1).toNanos();

    private final String id;
    private final ClaimedTasks claimed;
    private final TaskClaims claims;
    private final WorkerRounds rounds;
    private final TaskSweep sweep;
    private final ChildRows children;
    private final Map<TaskType, TaskHandler> handlers;
    private final WakeUp wakeUp;
    private final int slots;
    private final Config.Engine config;
    private final Map<String, Run> running = new ConcurrentHashMap<>();
    private final Object slotFreed = new Object();
    /** Runs that ended, with how, in the order they ended; the loop writes them in its next round. */
    private final List<Ended> ended = new ArrayList<>();
    /** Set (under the lock of {@link #ended}) once the loop has written its last round. */
    private boolean loopDone;

    private volatile boolean stopping;
    /** Set once the shutdown grace has run out: no run starts any more, not even a running parent's child. */
    private volatile boolean graceOver;

    private final Object graceEnding = new Object();

    private volatile boolean closed;
    private Thread loop;
    private Thread supervisor;

    private record Ended(Run run, ClaimedTasks.Outcome outcome) {}

    public Worker(TaskEngine engine, Collection<TaskHandler> handlers, WakeUp wakeUp, int slots, Config.Engine config) {
        this.id = workerId();
        this.claimed = engine.claimed();
        this.claims = engine.claims();
        this.rounds = engine.rounds();
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
        loop = Thread.ofPlatform().name("spool-claim").start(this::loop);
        supervisor = Thread.ofPlatform().daemon().name("spool-supervisor").start(this::supervise);
        log.info(
                "worker {} runs {} task(s) at a time for {}",
                id,
                slots,
                handlers.keySet().stream().map(TaskType::wire).sorted().toList());
        return this;
    }

    /**
     * Round after round: writes what ended and fills the free slots. Idle (nothing ended, no free slot or nothing
     * to claim) it waits for a wake-up: a run ending, a task queued in any process, or the poll interval.
     */
    private void loop() {
        int lockedLooks = 0;
        while (true) {
            long seen = wakeUp.generation();
            List<Ended> round;
            synchronized (ended) {
                if (closed && ended.isEmpty()) {
                    loopDone = true;
                    return;
                }
                round = List.copyOf(ended);
                ended.clear();
            }
            int free = stopping ? 0 : slots - running.size() + round.size();
            try {
                if (round.isEmpty() && free <= 0) {
                    wakeUp.await(seen, config.pollInterval());
                    continue;
                }
                var result = rounds.run(id, round.stream().map(Ended::outcome).toList(), free, handlers.keySet());
                finish(round, result.outcomes());
                var begun = new ArrayList<Run>();
                for (var claim : result.claims()) {
                    var run = begin(claim, () -> stopping);
                    if (run != null) {
                        begun.add(run);
                    }
                }
                gather(begun);
                if (free > 0 && result.claims().size() < free) {
                    // The round took all there was: look again when woken, unless work passed over may be
                    // another claimer's, whose commit is near.
                    if (result.claims().isEmpty()
                            && lockedLooks < LOCKED_LOOKS
                            && claims.mayBeHeldByAnotherClaimer(handlers.keySet())) {
                        lockedLooks++;
                        Thread.sleep(5);
                    } else {
                        lockedLooks = 0;
                        wakeUp.await(seen, config.pollInterval());
                    }
                } else {
                    lockedLooks = 0;
                }
            } catch (InterruptedException e) {
                // Nothing interrupts the loop but the end of the process: stop claiming, write what is left.
                stopping = true;
                closed = true;
            } catch (RuntimeException e) {
                log.error("claiming failed; trying again in a moment", e);
                pause();
            }
        }
    }

    /**
     * Waits until the runs just begun have all ended, or {@link #GATHER_NANOS}: whichever comes first. Each run that
     * ends wakes it ({@link #submit}), so the round starts as soon as the last one ends.
     */
    private void gather(List<Run> begun) throws InterruptedException {
        long deadline = System.nanoTime() + GATHER_NANOS;
        synchronized (ended) {
            long left = GATHER_NANOS;
            while (begun.stream().anyMatch(run -> !run.ended) && left > 0) {
                ended.wait(left / 1_000_000, (int) (left % 1_000_000));
                left = deadline - System.nanoTime();
            }
        }
    }

    /** The runs of a written round leave their slots, each reported as its outcome fared. */
    private void finish(List<Ended> round, List<WorkerRounds.Written> written) {
        for (int i = 0; i < round.size(); i++) {
            var run = round.get(i).run();
            var outcome = round.get(i).outcome();
            if (written.get(i) == WorkerRounds.Written.FENCED && outcome instanceof ClaimedTasks.Completed) {
                log.info(
                        "task {} attempt {} finished after its lease was lost; result dropped",
                        run.taskId,
                        run.attempt);
            }
            leave(run);
        }
    }

    private void leave(Run run) {
        running.remove(run.taskId, run);
        synchronized (slotFreed) {
            slotFreed.notifyAll();
        }
    }

    /**
     * Starts the claimed task's run, or gives it back to the queue at once, untouched (and returns null), when
     * {@code refused}: shutdown has begun, or for a parent's child, its grace has run out or the parent stopped
     * waiting. Decided under {@link #graceEnding}, so a run either starts before shutdown looks at the runs, or not at
     * all.
     */
    private Run begin(TaskClaims.Claim claim, BooleanSupplier refused) {
        var task = claim.task();
        synchronized (graceEnding) {
            if (!refused.getAsBoolean()) {
                var run = new Run(task, claim.attempt());
                running.put(task.id(), run);
                run.thread = Thread.ofVirtual().name("task-" + task.id()).unstarted(() -> execute(claim, run));
                run.thread.start();
                return run;
            }
        }
        Uninterruptible.call(() -> claimed.release(id, task.id(), claim.attempt()));
        return null;
    }

    /**
     * A running parent helps with its own children: one due child is claimed and run like any claimed task (leased,
     * supervised, fenced), outside the slot count, while the parent's thread waits for it. So a parent never holds
     * the only slot while its children wait, and each worker that has a free slot takes children as well.
     *
     * <p>A stopping worker's parents go on running their children until the shutdown grace runs out: the parent holds
     * its slot through the grace anyway, a part finished meanwhile is kept for the parent's next attempt, and the
     * whole task may yet finish before the process stops.
     *
     * <p>The parent stops its helper by interrupting it. An interrupt that lands while the child is being claimed
     * waits for the claim's commit; the child claimed is then given back untouched.
     */
    private boolean runChild(String parentId) throws InterruptedException {
        if (graceOver) {
            return false;
        }
        var claim = Uninterruptible.call(() -> children.claim(id, parentId));
        if (claim.isEmpty()) {
            return false;
        }
        var child = begin(claim.get(), () -> graceOver || Thread.currentThread().isInterrupted());
        if (child == null) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return false;
        }
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
        ClaimedTasks.Outcome outcome;
        try {
            JsonNode output = handler.run(task, run);
            run.finishing();
            run.flushProgress();
            outcome = new ClaimedTasks.Completed(task.id(), run.attempt, output);
        } catch (TaskFailure failure) {
            run.finishing();
            log.info(
                    "task {} attempt {} failed: [{}] {}", task.id(), run.attempt, failure.code(), failure.getMessage());
            outcome = new ClaimedTasks.Failed(task.id(), run.attempt, failure);
        } catch (InterruptedException e) {
            run.finishing();
            // Cancelled or lost: the fenced release changes nothing. Shutting down, or stopped for any other
            // reason while the task is still ours: it goes straight back to the queue rather than sit "running".
            outcome = new ClaimedTasks.Released(task.id(), run.attempt);
        } catch (RuntimeException | Error e) {
            run.finishing();
            log.error("task {} attempt {}: handler crashed", task.id(), run.attempt, e);
            outcome = new ClaimedTasks.Failed(
                    task.id(),
                    run.attempt,
                    TaskFailure.retriable(
                            "internal_error",
                            "internal error processing the task ("
                                    + e.getClass().getSimpleName() + ")"));
        } finally {
            TaskLogContext.leave();
        }
        submit(run, outcome);
    }

    /** Hands an outcome to the loop's next round; once the loop has stopped, writes it here. */
    private void submit(Run run, ClaimedTasks.Outcome outcome) {
        run.ended = true;
        synchronized (ended) {
            if (!loopDone) {
                ended.add(new Ended(run, outcome));
                ended.notifyAll();
                wakeUp.wake();
                return;
            }
        }
        var written = rounds.run(id, List.of(outcome), 0, handlers.keySet());
        finish(List.of(new Ended(run, outcome)), written.outcomes());
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
        wakeUp.wake();
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
        synchronized (graceEnding) {
            graceOver = true;
        }
        int released = 0;
        for (var run : running.values()) {
            if (run.stop()) {
                claimed.release(id, run.taskId, run.attempt);
                released++;
            }
        }
        closed = true;
        if (loop != null) {
            wakeUp.wake();
            try {
                loop.join(LOOP_JOIN.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (supervisor != null) {
            supervisor.interrupt();
        }
        if (released > 0) {
            log.info("released {} running task(s) back to the queue", released);
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
        /** Its outcome was handed to the loop. */
        private volatile boolean ended;

        private boolean finishing;
        private double progress;
        // The claim wrote progress 0 and no step: nothing to write until the handler reports more.
        private double written;
        private String step;
        private String writtenStep;
        private long lastWrite;
        /** Set from a failed progress write until one succeeds: the failure is told once, not at every write. */
        private boolean progressFailing;

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
            try {
                // Progress comes from ffmpeg's output reader, not the handler's thread: a handler blocked on its
                // child process learns that the task is no longer its own only by the interrupt.
                if (!claimed.progress(id, taskId, attempt, progress, step) && stop()) {
                    log.info(
                            "task {} attempt {} is no longer ours (cancelled or lease lost): stopping it",
                            taskId,
                            attempt);
                }
                written = progress;
                writtenStep = step;
                if (progressFailing) {
                    progressFailing = false;
                    log.info("task {} attempt {}: progress recorded again", taskId, attempt);
                }
            } catch (RuntimeException e) {
                // An interrupted (stopped) handler's last progress write may fail; the task is no longer ours. Else
                // the write failed (the store did not answer, or refused the statement): progress is a report, not
                // the work, so the work goes on and the next write tries again. Whether the task is still ours, its
                // outcome's fenced write decides.
                if (!lost && !progressFailing) {
                    progressFailing = true;
                    log.warn(
                            "task {} attempt {}: progress not recorded ({}); the task goes on",
                            taskId,
                            attempt,
                            e.getMessage());
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
