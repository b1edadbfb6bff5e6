package dev.spool.task.engine;

/** What a running handler can tell the engine, and ask it. */
public interface TaskContext {
    /** The attempt number of this run (1 for the first), the engine's fencing token. */
    int attempt();

    /** Progress in [0, 1]; the engine keeps it monotonic and writes it at most every few hundred ms. */
    void progress(double fraction);

    /** The internal step name (shown to admins only). */
    void step(String step);

    /** Throws when the task was cancelled or this worker lost its lease; handlers call it between steps. */
    void checkCancelled() throws InterruptedException;

    /** The child tasks this task may split its work into. */
    Children children();
}
