package dev.spool.testing;

import dev.spool.cli.Server;
import dev.spool.config.Config;
import dev.spool.task.engine.TaskHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Spool ({@link Server#serve(Config, List)}) on a free port, with a fresh data directory and a database of its own:
 * the SQLite file in that directory, or a new schema in the PostgreSQL database of {@link #postgresUrl()}, dropped at
 * {@link #close()}. Tests talk to it over HTTP with {@link ApiClient}.
 *
 * <p>Unless the overrides say otherwise the server runs no task workers ({@code SPOOL_WORKERS=0}), so tasks stay in
 * the phase the API put them in; tests of the engine pass {@code SPOOL_WORKERS} themselves.
 */
public final class TestServer implements AutoCloseable {
    public static final String POSTGRES_URL_VARIABLE = "SPOOL_TEST_POSTGRES_URL";

    private final Store store;
    private final Path root;
    private Map<String, String> env;
    private final Optional<ScratchDatabase> postgres;
    private final String baseUrl;
    private Server server;

    /** An API key of a user created for a test, with the ids a test may need to create tasks on its behalf. */
    public record UserKey(String userId, String projectId, String key) {}

    private final List<TaskHandler> handlers;

    private TestServer(
            Store store,
            Path root,
            Map<String, String> env,
            Optional<ScratchDatabase> postgres,
            List<TaskHandler> handlers) {
        this.handlers = List.copyOf(handlers);
        this.store = store;
        this.root = root;
        this.env = env;
        this.postgres = postgres;
        this.baseUrl = "http://127.0.0.1:" + env.get("SPOOL_PORT");
    }

    public static TestServer start(Store store) {
        return start(store, Map.of());
    }

    /**
     * Starts a server; {@code overrides} are SPOOL_* variables as {@link Config#fromEnv(Map)} reads them and win
     * over the test defaults (port, data dir, public URL, database, no workers).
     */
    public static TestServer start(Store store, Map<String, String> overrides) {
        return start(store, overrides, List.of());
    }

    /** As {@link #start(Store, Map)}, with extra task handlers installed beside the production ones. */
    public static TestServer start(Store store, Map<String, String> overrides, List<TaskHandler> handlers) {
        for (int attempt = 1; ; attempt++) {
            Path root = createTempDir();
            int port = freePort();
            var env = new HashMap<String, String>();
            env.put("SPOOL_PORT", Integer.toString(port));
            // A directory that does not exist yet: creating it is part of what a first start does.
            env.put("SPOOL_DATA_DIR", root.resolve("data").toString());
            env.put("SPOOL_PUBLIC_URL", "http://127.0.0.1:" + port);
            env.put("SPOOL_WORKERS", "0");
            // On SQLite the server makes its database in the data directory itself, as a first start does.
            Optional<ScratchDatabase> postgres =
                    store == Store.POSTGRES ? Optional.of(ScratchDatabase.create(store, root)) : Optional.empty();
            postgres.ifPresent(database -> env.put("SPOOL_DATABASE_URL", database.url()));
            env.putAll(overrides);
            var testServer = new TestServer(store, root, Map.copyOf(env), postgres, handlers);
            try {
                testServer.server = Server.serve(testServer.config(), testServer.handlers);
                return testServer;
            } catch (RuntimeException e) {
                testServer.dropDatabaseAndFiles();
                // The public URL names the port, so it is chosen before the server binds it; another process may
                // take it in between. Then a fresh port, a couple of times.
                if (attempt == 3 || !portTaken(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean portTaken(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** Stops the server and starts it again on the same port, data directory and database. */
    public void restart() {
        restartWith(Map.of());
    }

    /** As {@link #restart()}, with these SPOOL_* variables changed from then on (a process started otherwise). */
    public void restartWith(Map<String, String> overrides) {
        server.close();
        var changed = new HashMap<>(env);
        changed.putAll(overrides);
        env = Map.copyOf(changed);
        server = Server.serve(config(), handlers);
    }

    public Config config() {
        return Config.fromEnv(env);
    }

    public Store store() {
        return store;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Path dataDir() {
        return Path.of(env.get("SPOOL_DATA_DIR"));
    }

    /** The JDBC URL the server uses: what a CLI command needs to reach the same database. */
    public String databaseUrl() {
        return config().databaseUrl();
    }

    public Server server() {
        return server;
    }

    /** The admin's key: SPOOL_ADMIN_API_KEY when the test set it, else the one the first start wrote to a file. */
    public String adminKey() {
        String chosen = env.get("SPOOL_ADMIN_API_KEY");
        if (chosen != null && !chosen.isBlank()) {
            return chosen.trim();
        }
        try {
            return Files.readString(dataDir().resolve("admin-api-key")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("the first start should have written admin-api-key", e);
        }
    }

    /** A new non-admin user with its default project and a key for it. */
    public UserKey createUserKey(String email) {
        var accounts = server.accounts();
        var user = accounts.findUserByEmail(email).orElseGet(() -> accounts.createUser(email, false));
        var key = accounts.createApiKey(user.id(), user.defaultProjectId(), "test");
        return new UserKey(user.id(), user.defaultProjectId(), key.secret());
    }

    public ApiClient admin() {
        return client(adminKey());
    }

    public ApiClient client(String apiKey) {
        return new ApiClient(baseUrl, apiKey);
    }

    public ApiClient anonymous() {
        return new ApiClient(baseUrl, null);
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            dropDatabaseAndFiles();
        }
    }

    private void dropDatabaseAndFiles() {
        postgres.ifPresent(ScratchDatabase::close);
        deleteRecursively(root);
    }

    /**
     * The PostgreSQL server the tests make schemas in: the one {@code SPOOL_TEST_POSTGRES_URL} names, else one started
     * for this JVM from Maven's binaries. When neither is possible the calling test is skipped, saying why.
     */
    static String postgresUrl() {
        String chosen = System.getenv(POSTGRES_URL_VARIABLE);
        if (chosen != null && !chosen.isBlank()) {
            return chosen;
        }
        try {
            return LocalPostgres.url();
        } catch (RuntimeException e) {
            Assumptions.abort("PostgreSQL tests skipped: " + POSTGRES_URL_VARIABLE
                    + " is not set and no local PostgreSQL could start: " + e.getMessage());
            throw e;
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path createTempDir() {
        try {
            return Files.createTempDirectory("spool-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
