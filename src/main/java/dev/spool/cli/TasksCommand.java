package dev.spool.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code spool tasks}: the caller's most recent tasks, newest first. */
@Command(name = "tasks", mixinStandardHelpOptions = true, description = "List your most recent tasks.")
final class TasksCommand implements Callable<Integer> {
    @Mixin
    Remote remote;

    @Option(names = "--limit", defaultValue = "20", description = "How many (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() throws Exception {
        return remote.show("/api/task?limit=" + limit, Listing::tasks);
    }
}
