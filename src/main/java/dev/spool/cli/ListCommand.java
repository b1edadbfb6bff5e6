package dev.spool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A command that lists the caller's most recent items of one kind, newest first: {@code spool assets | tasks}. */
abstract class ListCommand implements Callable<Integer> {
    private final String path;
    private final BiConsumer<PrintWriter, JsonNode> columns;

    @Mixin
    Remote remote;

    @Option(names = "--limit", defaultValue = "20", description = "How many (default ${DEFAULT-VALUE})")
    int limit;

    ListCommand(String path, BiConsumer<PrintWriter, JsonNode> columns) {
        this.path = path;
        this.columns = columns;
    }

    @Override
    public Integer call() throws Exception {
        return remote.show(path + "?limit=" + limit, columns);
    }
}
