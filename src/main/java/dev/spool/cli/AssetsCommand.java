package dev.spool.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code spool assets}: the caller's most recent assets, newest first. */
@Command(name = "assets", mixinStandardHelpOptions = true, description = "List your most recent assets.")
final class AssetsCommand implements Callable<Integer> {
    @Mixin
    Remote remote;

    @Option(names = "--limit", defaultValue = "20", description = "How many (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() throws Exception {
        return remote.show("/api/asset?limit=" + limit, Listing::assets);
    }
}
