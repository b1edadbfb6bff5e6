package dev.spool.task.engine;

import dev.spool.cli.Main;
import dev.spool.cli.Server;
import dev.spool.config.Config;
import java.nio.file.Path;
import java.util.List;

/**
 * A real {@code spool worker} process for the multi-process engine tests: the production worker wiring with the
 * scripted test handler installed. Arguments: side-effect log path, worker name.
 */
public final class WorkerProcessMain {
    private WorkerProcessMain() {}

    public static void main(String[] args) throws InterruptedException {
        var server =
                Server.worker(Config.fromEnv(System.getenv()), List.of(new ScriptedHandler(Path.of(args[0]), args[1])));
        System.out.println("worker ready");
        Main.runUntilStopped(server);
    }
}
