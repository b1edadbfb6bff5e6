package dev.spool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.spool.cli.Server;
import dev.spool.config.Config;
import dev.spool.json.Json;
import dev.spool.task.Task;
import dev.spool.task.TaskType;
import dev.spool.task.engine.TaskContext;
import dev.spool.task.engine.TaskHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The task engine's own cost, with a handler that does nothing: how many tasks per second go through
 * claim -> run -> complete with 4 handlers (timed after a warm-up), how many statements and transactions each task costs, and how long a new
 * task waits before an (idle) worker starts it. Beside it, in the same run and through the same connection pool,
 * the database's own rate of single-row autocommit UPDATEs from 4 clients: the ceiling the engine is held to.
 * Run through bench/engine.sh; prints one line per store.
 */
public final class EngineBench {
    /** Tasks run before the timing starts: the server's code is compiled by then, as in a process that has run a while. */
    private static final int WARMUP_TASKS = 1000;

    private static final int THROUGHPUT_TASKS = 3000;
    private static final int LATENCY_SAMPLES = 200;
    private static final int COMMIT_CLIENTS = 4;
    private static final Duration COMMIT_RUN = Duration.ofSeconds(3);

    private EngineBench() {}

    /** Records when each task started; completes at once. */
    static final class NoopHandler implements TaskHandler {
        final Map<String, Long> started = new ConcurrentHashMap<>();

        @Override
        public TaskType type() {
            return TaskType.EXPORT_DATA;
        }

        /** Opened once the bench counts statements: the worker starts before the server hands over its database. */
        final CountDownLatch counting = new CountDownLatch(1);

        @Override
        public JsonNode run(Task task, TaskContext context) throws InterruptedException {
            counting.await();
            started.put(task.id(), System.nanoTime());
            return JsonNodeFactory.instance.objectNode();
        }
    }

    public static void main(String[] args) throws Exception {
        String postgres = args.length > 0 ? args[0] : "";
        System.out.printf(
                "%-10s %13s %11s %7s %11s %10s %16s %16s%n",
                "store",
                "no-op tasks/s",
                "commits/s",
                "ratio",
                "stmts/task",
                "txns/task",
                "create->run p50",
                "create->run p99");
        run("sqlite", Map.of());
        if (!postgres.isBlank()) {
            String schema = "bench_" + UUID.randomUUID().toString().replace("-", "");
            try (var c = DriverManager.getConnection(postgres);
                    var s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            try {
                run(
                        "postgresql",
                        Map.of(
                                "SPOOL_DATABASE_URL",
                                postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + schema));
            } finally {
                try (var c = DriverManager.getConnection(postgres);
                        var s = c.createStatement()) {
                    s.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
        System.out.println("commits/s: single-row autocommit UPDATEs by " + COMMIT_CLIENTS
                + " clients through Spool's pool, mean of a run before and after the engine's; ratio = tasks/commits");
    }

    private static void run(String name, Map<String, String> database) throws Exception {
        Path dir = Files.createTempDirectory("spool-bench-");
        try {
            measure(name, database, dir);
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void measure(String name, Map<String, String> database, Path dir) throws Exception {
        var env = new HashMap<String, String>(database);
        int port = freePort();
        env.put("SPOOL_PORT", Integer.toString(port));
        env.put("SPOOL_DATA_DIR", dir.toString());
        env.put("SPOOL_MAX_UNFINISHED_TASKS_PER_USER", "1000000");
        env.put("SPOOL_MAX_RUNNING_TASKS_PER_USER", "4");
        String base = "http://127.0.0.1:" + port;
        var http = HttpClient.newHttpClient();

        // 1. Queue the tasks with no worker running, then time 4 handlers draining the queue.
        env.put("SPOOL_WORKERS", "0");
        String key;
        double commitsBefore;
        try (var server = Server.serve(Config.fromEnv(env))) {
            key = Files.readString(dir.resolve("admin-api-key")).trim();
            for (int i = 0; i < WARMUP_TASKS + THROUGHPUT_TASKS; i++) {
                create(http, base, key);
            }
            if (!database.isEmpty()) {
                // PostgreSQL's autovacuum analyzes a table within a minute of such a burst; a server that has run a
                // while plans with statistics, not with the guesses a table gets before its first ANALYZE.
                server.database().jdbi().useHandle(h -> h.execute("ANALYZE"));
            }
            commitsBefore = commitRate(server.database().jdbi());
        }
        env.put("SPOOL_WORKERS", "4");
        var handler = new NoopHandler();
        double throughput;
        double commits;
        var counter = new Counter();
        try (var server = Server.serve(Config.fromEnv(env), List.of(handler))) {
            counter.install(server.database().jdbi());
            if (server.database().plannedOnce() != server.database().jdbi()) {
                counter.install(server.database().plannedOnce());
            }
            handler.counting.countDown();
            while (handler.started.size() < WARMUP_TASKS + THROUGHPUT_TASKS) {
                Thread.sleep(5);
            }
            while (unfinished(server.database().jdbi()) > 0) {
                Thread.sleep(1);
            }
            long last = System.nanoTime();
            var counted = counter.snapshot();
            long first = handler.started.values().stream()
                    .sorted()
                    .skip(WARMUP_TASKS)
                    .findFirst()
                    .orElseThrow();
            throughput = THROUGHPUT_TASKS / ((last - first) / 1e9);

            // 2. One task at a time into idle workers: creation (the API's createdAt) to the handler's start.
            var latencies = new ArrayList<Long>();
            for (int i = 0; i < LATENCY_SAMPLES; i++) {
                Thread.sleep(25);
                long before = System.nanoTime();
                String id = create(http, base, key);
                long createdNanos = before;
                while (!handler.started.containsKey(id)) {
                    Thread.sleep(1);
                }
                latencies.add((handler.started.get(id) - createdNanos) / 1_000);
            }
            latencies.sort(Long::compare);
            commits = (commitsBefore + commitRate(server.database().jdbi())) / 2;
            System.out.printf(
                    "%-10s %13.0f %11.0f %6.0f%% %11.1f %10.2f %13.1f ms %13.1f ms%n",
                    name,
                    throughput,
                    commits,
                    100 * throughput / commits,
                    counted[0] / (double) (WARMUP_TASKS + THROUGHPUT_TASKS),
                    counted[1] / (double) (WARMUP_TASKS + THROUGHPUT_TASKS),
                    latencies.get(latencies.size() / 2) / 1000.0,
                    latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1) / 1000.0);
        }
    }

    /** Tasks not yet completed, read without counting (the counter sees only what the engine runs). */
    private static long unfinished(Jdbi jdbi) throws Exception {
        try (var h = jdbi.open();
                var s = h.getConnection().createStatement();
                var rs = s.executeQuery("SELECT COUNT(*) FROM tasks WHERE phase <> 'completed'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The database's own commit rate: {@link #COMMIT_CLIENTS} clients, each UPDATEing its own row in autocommit
     * (one statement, one durable commit) for {@link #COMMIT_RUN}, on connections of Spool's pool (so SQLite runs
     * with Spool's journal and synchronous settings). Plain JDBC, one prepared statement per client.
     */
    private static double commitRate(Jdbi jdbi) throws Exception {
        jdbi.useHandle(h -> {
            h.execute("CREATE TABLE bench_commits (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)");
            for (int i = 0; i < COMMIT_CLIENTS; i++) {
                h.execute("INSERT INTO bench_commits (id, n) VALUES (?, 0)", i);
            }
        });
        try {
            var done = new AtomicLong();
            var start = new CountDownLatch(1);
            var threads = new ArrayList<Thread>();
            long[] window = new long[2];
            for (int i = 0; i < COMMIT_CLIENTS; i++) {
                int row = i;
                threads.add(Thread.ofPlatform().start(() -> {
                    try (var h = jdbi.open();
                            var update = h.getConnection()
                                    .prepareStatement("UPDATE bench_commits SET n = n + 1 WHERE id = ?")) {
                        update.setInt(1, row);
                        start.await();
                        long end = window[1];
                        while (System.nanoTime() < end) {
                            update.executeUpdate();
                            done.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            window[0] = System.nanoTime();
            window[1] = window[0] + COMMIT_RUN.toNanos();
            start.countDown();
            for (var thread : threads) {
                thread.join();
            }
            return done.get() / ((System.nanoTime() - window[0]) / 1e9);
        } finally {
            jdbi.useHandle(h -> h.execute("DROP TABLE bench_commits"));
        }
    }

    /**
     * Counts the statements Spool runs through Jdbi and the transactions it commits, from installation on: the
     * engine's cost per task while the queue drains (nothing else uses the database then).
     */
    static final class Counter {
        private final AtomicLong statements = new AtomicLong();
        private final AtomicLong commits = new AtomicLong();

        void install(Jdbi jdbi) {
            jdbi.setSqlLogger(new SqlLogger() {
                @Override
                public void logAfterExecution(StatementContext context) {
                    statements.incrementAndGet();
                }
            });
            jdbi.setTransactionHandler(new CountingTransactions(jdbi.getTransactionHandler(), commits));
        }

        long[] snapshot() {
            return new long[] {statements.get(), commits.get()};
        }
    }

    /** Delegates every call, counting commits. */
    private record CountingTransactions(TransactionHandler delegate, AtomicLong commits) implements TransactionHandler {
        @Override
        public void begin(Handle handle) {
            delegate.begin(handle);
        }

        @Override
        public void commit(Handle handle) {
            delegate.commit(handle);
            commits.incrementAndGet();
        }

        @Override
        public void rollback(Handle handle) {
            delegate.rollback(handle);
        }

        @Override
        public boolean isInTransaction(Handle handle) {
            return delegate.isInTransaction(handle);
        }

        @Override
        public void savepoint(Handle handle, String name) {
            delegate.savepoint(handle, name);
        }

        @Override
        public void rollbackToSavepoint(Handle handle, String name) {
            delegate.rollbackToSavepoint(handle, name);
        }

        @Override
        public void releaseSavepoint(Handle handle, String name) {
            delegate.releaseSavepoint(handle, name);
        }

        @Override
        public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
            return delegate.inTransaction(handle, callback);
        }

        @Override
        public <R, X extends Exception> R inTransaction(
                Handle handle, TransactionIsolationLevel level, HandleCallback<R, X> callback) throws X {
            return delegate.inTransaction(handle, level, callback);
        }

        @Override
        public TransactionHandler specialize(Handle handle) throws SQLException {
            return new CountingTransactions(delegate.specialize(handle), commits);
        }
    }

    private static String create(HttpClient http, String base, String key) throws Exception {
        var body =
                Json.write(Map.of("type", "export-data", "params", Map.of("exportData", Map.of("content", Map.of()))));
        var response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/task"))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException(
                    "creating a task answered " + response.statusCode() + ": " + response.body());
        }
        return Json.tree(response.body()).path("id").asText();
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
