package dev.spool.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code spool task ID [--watch]}: one task; watching it shows a live progress bar and exits 0 only if it completes
 * (1 with its error if it fails or is cancelled), so scripts can wait on it.
 */
@Command(name = "task", mixinStandardHelpOptions = true, description = "Show a task, or follow it to its end.")
final class TaskCommand implements Callable<Integer> {
    @Mixin
    Remote remote;

    @Parameters(index = "0", paramLabel = "ID", description = "The task id")
    String id;

    @Option(names = "--watch", description = "Follow the task with a progress bar; the exit status is its outcome")
    boolean watch;

    @Override
    public Integer call() throws Exception {
        return remote.run(() -> {
            var client = remote.client();
            var task = watch ? remote.follow(client, id) : client.get("/api/task/" + id);
            remote.print(task, Listing::task);
            return watch ? remote.outcome(task) : 0;
        });
    }
}
