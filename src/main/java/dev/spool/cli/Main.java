package dev.spool.cli;

import dev.spool.account.Accounts;
import dev.spool.account.AdminBootstrap;
import dev.spool.config.Config;
import dev.spool.config.ConfigException;
import dev.spool.db.Database;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code spool serve | worker | migrate | apikey create|list|revoke}, whose flags mirror the SPOOL_* variables, and
 * {@code upload | import | tasks | task | assets} for people, against a running server.
 */
@Command(
        name = "spool",
        mixinStandardHelpOptions = true,
        version = "spool 0.1.0",
        description = "Self-hosted video task server speaking the Livepeer Studio VOD API.",
        subcommands = {
            Main.Serve.class,
            Main.Work.class,
            Main.Migrate.class,
            Main.ApiKey.class,
            UploadCommand.class,
            ImportCommand.class,
            TasksCommand.class,
            TaskCommand.class,
            AssetsCommand.class
        })
public final class Main {

    public static void main(String[] args) {
        var cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println("spool: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }

    /** Options shared by every subcommand; each one overrides its environment variable. */
    static class Settings {
        @Option(names = "--port", description = "HTTP port (SPOOL_PORT, default 8080)")
        Integer port;

        @Option(names = "--data-dir", description = "Data directory (SPOOL_DATA_DIR, default ./data)")
        String dataDir;

        @Option(names = "--database-url", description = "JDBC URL (SPOOL_DATABASE_URL, default SQLite in the data dir)")
        String databaseUrl;

        @Option(
                names = "--storage-url",
                description = "Object store (SPOOL_STORAGE_URL, default files in the data dir)")
        String storageUrl;

        @Option(names = "--public-url", description = "Base of URLs handed out (SPOOL_PUBLIC_URL)")
        String publicUrl;

        /** Runs a command against the accounts of the configured store, closing the store afterwards. */
        int withAccounts(Function<Accounts, Integer> command) {
            try (var database = Database.open(config().databaseUrl(), config().databaseReadTimeout())) {
                return command.apply(new Accounts(database, Clock.systemUTC()));
            }
        }

        Config config() {
            Map<String, String> env = new HashMap<>(System.getenv());
            put(env, "SPOOL_PORT", port == null ? null : port.toString());
            put(env, "SPOOL_DATA_DIR", dataDir);
            put(env, "SPOOL_DATABASE_URL", databaseUrl);
            put(env, "SPOOL_STORAGE_URL", storageUrl);
            put(env, "SPOOL_PUBLIC_URL", publicUrl);
            return Config.fromEnv(env);
        }

        private static void put(Map<String, String> env, String name, String value) {
            if (value != null) {
                env.put(name, value);
            }
        }
    }

    @Command(name = "serve", description = "Run the API (and, unless SPOOL_WORKERS=0, task workers in-process).")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        Settings settings = new Settings();

        @Override
        public Integer call() throws InterruptedException {
            return runUntilStopped(Server.serve(settings.config()));
        }
    }

    @Command(name = "worker", description = "Claim and run tasks against the configured database and object store.")
    static final class Work implements Callable<Integer> {
        @CommandLine.Mixin
        Settings settings = new Settings();

        @Override
        public Integer call() throws InterruptedException {
            return runUntilStopped(Server.worker(settings.config(), java.util.List.of()));
        }
    }

    /** Blocks until SIGTERM/SIGINT, then shuts down gracefully (running tasks get the grace period). */
    public static int runUntilStopped(Server server) throws InterruptedException {
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "spool-shutdown"));
        stopped.await();
        return 0;
    }

    @Command(name = "migrate", description = "Create or upgrade the database schema, then exit.")
    static final class Migrate implements Callable<Integer> {
        @CommandLine.Mixin
        Settings settings = new Settings();

        @Override
        public Integer call() {
            try (var database = Database.open(
                    settings.config().databaseUrl(), settings.config().databaseReadTimeout())) {
                System.out.println(
                        "database is up to date: " + database.dialect().name().toLowerCase(Locale.ROOT));
            }
            return 0;
        }
    }

    @Command(
            name = "apikey",
            description = "Manage API keys.",
            subcommands = {ApiKey.Create.class, ApiKey.ListKeys.class, ApiKey.Revoke.class})
    static final class ApiKey {

        @Command(name = "create", description = "Create a key (and its user, if new); prints the secret once.")
        static final class Create implements Callable<Integer> {
            @CommandLine.Mixin
            Settings settings = new Settings();

            @Option(names = "--email", description = "Owner's email (default: the admin)")
            String email;

            @Option(names = "--name", defaultValue = "cli", description = "A name to recognise the key by")
            String name;

            @Option(names = "--admin", description = "Make a new user an admin")
            boolean admin;

            @Override
            public Integer call() {
                return settings.withAccounts(accounts -> {
                    String owner = email == null ? AdminBootstrap.ADMIN_EMAIL : email;
                    var user = accounts.findUserByEmail(owner).orElseGet(() -> accounts.createUser(owner, admin));
                    var key = accounts.createApiKey(user.id(), user.defaultProjectId(), name);
                    System.out.println("id:     " + key.info().id());
                    System.out.println("secret: " + key.secret());
                    return 0;
                });
            }
        }

        @Command(name = "list", description = "List keys (never their secrets).")
        static final class ListKeys implements Callable<Integer> {
            @CommandLine.Mixin
            Settings settings = new Settings();

            @Override
            public Integer call() {
                return settings.withAccounts(accounts -> {
                    for (var key : accounts.listApiKeys()) {
                        System.out.printf(
                                "%s  %-12s user=%s project=%s%s%n",
                                key.id(),
                                key.name(),
                                key.userId(),
                                key.projectId(),
                                key.revokedAt() == null ? "" : "  revoked");
                    }
                    return 0;
                });
            }
        }

        @Command(name = "revoke", description = "Revoke a key by id.")
        static final class Revoke implements Callable<Integer> {
            @CommandLine.Mixin
            Settings settings = new Settings();

            @Parameters(index = "0", description = "The key id (from 'apikey list')")
            String id;

            @Override
            public Integer call() {
                return settings.withAccounts(accounts -> {
                    if (!accounts.revokeApiKey(id)) {
                        System.err.println("no live key with id " + id);
                        return 1;
                    }
                    System.out.println("revoked " + id);
                    return 0;
                });
            }
        }
    }
}
