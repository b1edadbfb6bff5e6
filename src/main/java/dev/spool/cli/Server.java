package dev.spool.cli;

import dev.spool.account.Accounts;
import dev.spool.account.AdminBootstrap;
import dev.spool.api.ApiServer;
import dev.spool.config.Config;
import dev.spool.db.Database;
import dev.spool.task.TaskRepository;
import dev.spool.task.TaskService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;

/** Wires every part of Spool together, in one place, from a {@link Config}. */
public final class Server implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Server.class);

    private final Database database;
    private final ApiServer api;
    private final Accounts accounts;

    private Server(Database database, ApiServer api, Accounts accounts) {
        this.database = database;
        this.api = api;
        this.accounts = accounts;
    }

    public static Server start(Config config) {
        long started = System.nanoTime();
        createDataDir(config);
        var clock = Clock.systemUTC();
        var database = Database.open(config.databaseUrl());
        try {
            var accounts = new Accounts(database, clock);
            new AdminBootstrap(accounts, config.dataDir()).ensureAdmin(config.adminApiKey());
            var taskRepository = new TaskRepository(database);
            var tasks = new TaskService(taskRepository, database, h -> { }, config.engine(), clock);
            var api = new ApiServer(new ApiServer.Services(database, accounts, tasks, config.publicUrl(), clock,
                    List.of())).start("0.0.0.0", config.port());
            log.info("Spool is listening on port {} (public URL {}) after {} ms", api.port(), config.publicUrl(),
                    (System.nanoTime() - started) / 1_000_000);
            return new Server(database, api, accounts);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    private static void createDataDir(Config config) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + config.dataDir(), e);
        }
    }

    public int port() {
        return api.port();
    }

    public Accounts accounts() {
        return accounts;
    }

    public Database database() {
        return database;
    }

    @Override
    public void close() {
        api.stop();
        database.close();
    }
}
