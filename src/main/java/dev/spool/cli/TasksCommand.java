package dev.spool.cli;

import picocli.CommandLine.Command;

/** {@code spool tasks}: the caller's most recent tasks, newest first. */
@Command(name = "tasks", mixinStandardHelpOptions = true, description = "List your most recent tasks.")
final class TasksCommand extends ListCommand {
    TasksCommand() {
        super("/api/task", Listing::tasks);
    }
}
