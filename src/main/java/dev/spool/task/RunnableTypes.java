package dev.spool.task;

import java.util.Optional;

/**
 * Whether the workers of this Spool can run a task type, asked before a task of that type is queued, so that no
 * task waits for a handler that no live process has.
 */
@FunctionalInterface
public interface RunnableTypes {
    /** Every type may be queued: for a process that cannot know its cluster's workers. */
    RunnableTypes ANY = type -> Optional.empty();

    /** Empty when {@code type} can run (or no worker is alive to ask: one may be starting); otherwise why not. */
    Optional<String> whyNot(TaskType type);
}
