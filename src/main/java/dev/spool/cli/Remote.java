package dev.spool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every command against a running server shares: where it is, the key, the output form. */
final class Remote {
    @Option(
            names = "--url",
            defaultValue = "${env:SPOOL_URL:-http://localhost:8080}",
            description = "Spool's base URL (SPOOL_URL, default ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--api-key", defaultValue = "${env:SPOOL_API_KEY}", description = "API key (SPOOL_API_KEY)")
    String apiKey;

    @Option(names = "--json", description = "Print the server's JSON instead of text, for scripts")
    boolean json;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    SpoolClient client() {
        if (apiKey == null || apiKey.isBlank()) {
            throw new CliException("no API key: pass --api-key or set SPOOL_API_KEY", 2);
        }
        return new SpoolClient(url, apiKey);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints what the server answers for {@code path}: its JSON as is, or as columns for people. */
    int show(String path, BiConsumer<PrintWriter, JsonNode> columns) throws Exception {
        return run(() -> {
            print(client().get(path), columns);
            return 0;
        });
    }

    /** Prints an answer: its JSON as is with {@code --json}, otherwise as {@code text} lays it out for people. */
    void print(JsonNode answer, BiConsumer<PrintWriter, JsonNode> text) {
        if (json) {
            out().println(answer);
        } else {
            text.accept(out(), answer);
        }
    }

    /** Follows a task to its end with a progress bar on stderr, and answers the task as it ended. */
    JsonNode follow(SpoolClient client, String taskId) {
        return TaskWatcher.follow(client, taskId, err());
    }

    /** The exit status a task that ended gives: 0 if it completed, otherwise 1 after saying why on stderr. */
    int outcome(JsonNode task) {
        return TaskWatcher.report(task, err()) ? 0 : 1;
    }

    /** Runs a command, turning a {@link CliException} into one line on stderr and its exit status. */
    int run(Callable<Integer> command) throws Exception {
        try {
            return command.call();
        } catch (CliException e) {
            err().println("spool: " + e.getMessage());
            err().flush();
            return e.exitCode();
        } finally {
            out().flush();
            err().flush();
        }
    }
}
