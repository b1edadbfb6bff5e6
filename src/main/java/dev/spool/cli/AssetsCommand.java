package dev.spool.cli;

import picocli.CommandLine.Command;

/** {@code spool assets}: the caller's most recent assets, newest first. */
@Command(name = "assets", mixinStandardHelpOptions = true, description = "List your most recent assets.")
final class AssetsCommand extends ListCommand {
    AssetsCommand() {
        super("/api/asset", Listing::assets);
    }
}
