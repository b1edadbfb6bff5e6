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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The task engine's own cost, with a handler that does nothing: how many tasks per second go through
 * claim -> run -> complete with 4 handlers, and how long a new task waits before a (idle) worker starts it.
 * Run through bench/engine.sh; prints one line per store.
 */
public final class EngineBench {
    private static final int THROUGHPUT_TASKS = 2000;
    private static final int LATENCY_SAMPLES = 200;

    private EngineBench() {}

    /** Records when each task started; completes at once. */
    static final class NoopHandler implements TaskHandler {
        final Map<String, Long> started = new ConcurrentHashMap<>();

        @Override
        public TaskType type() {
            return TaskType.EXPORT_DATA;
        }

        @Override
        public JsonNode run(Task task, TaskContext context) {
            started.put(task.id(), System.nanoTime());
            return JsonNodeFactory.instance.objectNode();
        }
    }

    public static void main(String[] args) throws Exception {
        String postgres = args.length > 0 ? args[0] : "";
        System.out.printf("%-10s %14s %18s %18s%n", "store", "no-op tasks/s", "create->run p50", "create->run p99");
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
        try (var server = Server.serve(Config.fromEnv(env))) {
            key = Files.readString(dir.resolve("admin-api-key")).trim();
            for (int i = 0; i < THROUGHPUT_TASKS; i++) {
                create(http, base, key);
            }
        }
        env.put("SPOOL_WORKERS", "4");
        var handler = new NoopHandler();
        double throughput;
        try (var server = Server.serve(Config.fromEnv(env), List.of(handler))) {
            while (completed(http, base, key) < THROUGHPUT_TASKS) {
                Thread.sleep(10);
            }
            long last = System.nanoTime();
            long first = handler.started.values().stream()
                    .mapToLong(Long::longValue)
                    .min()
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
            System.out.printf(
                    "%-10s %14.0f %15.1f ms %15.1f ms%n",
                    name,
                    throughput,
                    latencies.get(latencies.size() / 2) / 1000.0,
                    latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1) / 1000.0);
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

    private static long completed(HttpClient http, String base, String key) throws Exception {
        String filters = java.net.URLEncoder.encode(
                "[{\"id\":\"phase\",\"value\":\"completed\"}]", java.nio.charset.StandardCharsets.UTF_8);
        var response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/task?limit=1&count=true&filters=" + filters))
                        .header("Authorization", "Bearer " + key)
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        return response.headers()
                .firstValue("X-Total-Count")
                .map(Long::parseLong)
                .orElse(0L);
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
