package dev.spool.task.engine;

import dev.spool.config.Config;
import dev.spool.db.Database;
import dev.spool.task.QueueSignal;
import dev.spool.task.TaskRepository;
import java.time.Clock;

/**
 * The task engine's parts over one database, all reading time from one clock: claims and the claimed tasks' fenced
 * writes, grouped into rounds (for {@link Worker}), the sweep, and the commands callers send ({@link #commands()}).
 */
public final class TaskEngine {
    private final TaskClaims claims;
    private final ClaimedTasks claimed;
    private final WorkerRounds rounds;
    private final TaskSweep sweep;
    private final TaskCommands commands;
    private final ChildRows children;

    public TaskEngine(Database database, TaskRepository tasks, QueueSignal signal, Config.Engine config, Clock clock) {
        var transitions = new TaskTransitions(tasks, signal);
        this.claims = new TaskClaims(database, transitions, config, clock);
        this.claimed = new ClaimedTasks(database, transitions, config, clock);
        this.rounds = new WorkerRounds(database, tasks, claims, claimed, clock);
        this.sweep = new TaskSweep(database, transitions, config, clock);
        this.commands = new TaskCommands(database.jdbi(), tasks, transitions, clock);
        this.children = new ChildRows(database, tasks, transitions, config, clock);
    }

    public TaskCommands commands() {
        return commands;
    }

    TaskClaims claims() {
        return claims;
    }

    ClaimedTasks claimed() {
        return claimed;
    }

    ChildRows children() {
        return children;
    }

    WorkerRounds rounds() {
        return rounds;
    }

    TaskSweep sweep() {
        return sweep;
    }
}
