package dev.spool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import dev.spool.storage.S3ProxyFixture;
import dev.spool.testing.MediaHttpServer;
import dev.spool.testing.TestVideos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A cluster on PostgreSQL and S3 (s3proxy) of one API process ({@code spool serve}, no workers) and two worker
 * processes ({@code spool worker}), importing real videos while, round after round, one of the three is killed with
 * SIGKILL at a random moment and started again. At the end every task must be finished, every completed asset's
 * playlists and first segment readable, and no ffmpeg of the run nor work directory left behind. Run through
 * bench/crash-loop.sh; prints the figures and exits 1 when anything was lost or left.
 */
public final class CrashLoop {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Set<String> FINISHED = Set.of("completed", "failed", "cancelled");
    private static final String ADMIN_KEY = "crash-loop-admin-key-" + UUID.randomUUID();

    private final Path root;
    private final Map<String, String> env = new HashMap<>();
    private final Map<String, Process> nodes = new LinkedHashMap<>();
    private final String baseUrl;

    private CrashLoop(Path root, Map<String, String> shared, int port) {
        this.root = root;
        this.env.putAll(shared);
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    public static void main(String[] args) throws Exception {
        String postgres = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : System.nanoTime();
        Path root = Files.createTempDirectory("spool-crash-loop-");
        String schema = "crash_" + UUID.randomUUID().toString().replace("-", "");
        execute(postgres, "CREATE SCHEMA " + schema);
        var s3 = new S3ProxyFixture();
        s3.start();
        int exit = 2;
        Path video = TestVideos.generate(
                Files.createDirectories(root.resolve("media")).resolve("clip.mp4"), 4);
        try (var sources = MediaHttpServer.serving(video.getParent())) {
            int port = freePort();
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            var loop = new CrashLoop(
                    root,
                    Map.ofEntries(
                            Map.entry(
                                    "SPOOL_DATABASE_URL",
                                    postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + schema),
                            Map.entry("SPOOL_STORAGE_URL", s3.storageUrl(s3.createBucket()) + "/spool"),
                            Map.entry("SPOOL_SECRET_KEY", Base64.getEncoder().encodeToString(key)),
                            Map.entry("SPOOL_ADMIN_API_KEY", ADMIN_KEY),
                            Map.entry("SPOOL_PORT", Integer.toString(port)),
                            Map.entry("SPOOL_PUBLIC_URL", "http://127.0.0.1:" + port),
                            Map.entry("SPOOL_IMPORT_ALLOW_PRIVATE", "true"),
                            Map.entry("SPOOL_X264_PRESET", "ultrafast"),
                            Map.entry("SPOOL_CHUNK_PARALLEL", "1"),
                            Map.entry("SPOOL_TASK_LEASE", "3s"),
                            Map.entry("SPOOL_TASK_MAX_RETRIES", "50"),
                            Map.entry("SPOOL_TASK_FIRST_RETRY_DELAY", "1s"),
                            Map.entry("SPOOL_TASK_RETRY_DELAY", "1s"),
                            Map.entry("SPOOL_SHUTDOWN_GRACE", "5s")),
                    port);
            exit = loop.run(rounds, new Random(seed), sources.url("clip.mp4"), seed);
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            s3.stop();
            execute(postgres, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            deleteRecursively(root);
        }
        System.exit(exit);
    }

    private int run(int rounds, Random random, String source, long seed) throws Exception {
        long started = System.nanoTime();
        // As a cluster is deployed: the schema first, then the API, then the workers.
        int migrated = launch("migrate", "migrate").waitFor();
        if (migrated != 0) {
            throw new IllegalStateException(
                    "spool migrate exited " + migrated + "; see " + root.resolve("migrate.log"));
        }
        start("api");
        awaitApi();
        start("w1");
        start("w2");
        var tasks = new ArrayList<String>();
        var kills = new HashMap<String, Integer>();
        var orphans = new ArrayList<String>();
        for (int round = 1; round <= rounds; round++) {
            // A query of its own, or Spool would answer a repeated import with the first one's task.
            tasks.add(importVideo(source + "?round=" + round, "round " + round));
            Thread.sleep(500 + random.nextInt(4000));
            String victim = List.of("api", "w1", "w2").get(random.nextInt(3));
            nodes.get(victim).destroyForcibly().waitFor();
            kills.merge(victim, 1, Integer::sum);
            orphans.addAll(orphansAfterKill());
            start(victim);
            if (victim.equals("api")) {
                awaitApi();
            }
        }
        var phases = awaitFinished(tasks, Duration.ofMinutes(10));
        int unreadable = 0;
        for (var task : phases.entrySet()) {
            if (task.getValue().equals("completed") && !outputReadable(task.getKey())) {
                unreadable++;
            }
        }
        for (var node : nodes.values()) {
            node.destroy();
        }
        for (var node : nodes.values()) {
            node.waitFor();
        }
        orphans.addAll(processesOfThisRun());
        List<Path> leftovers = leftoversAfterARestart();
        long completed = phases.values().stream().filter("completed"::equals).count();
        long failed = phases.values().stream().filter("failed"::equals).count();
        long unfinished =
                phases.values().stream().filter(p -> !FINISHED.contains(p)).count();
        long lost = unfinished + unreadable;
        System.out.printf(
                "crash loop (seed %d): %d rounds, kills %s, %d tasks: %d completed, %d failed, %d unfinished,"
                        + " %d completed without readable output -> lost %d; orphan processes %d, work-directory"
                        + " leftovers %d; %.0f s%n",
                seed,
                rounds,
                kills,
                tasks.size(),
                completed,
                failed,
                unfinished,
                unreadable,
                lost,
                orphans.size(),
                leftovers.size(),
                (System.nanoTime() - started) / 1e9);
        orphans.forEach(orphan -> System.out.println("  orphan: " + orphan));
        leftovers.forEach(left -> System.out.println("  left: " + root.relativize(left)));
        phases.forEach((id, phase) -> {
            if (!phase.equals("completed")) {
                System.out.println("  task " + id + ": " + phase + " "
                        + get("/api/task/" + id).path("status"));
            }
        });
        ProcessHandle.allProcesses().filter(p -> commandLineMentionsRoot(p)).forEach(ProcessHandle::destroyForcibly);
        return lost == 0 && failed == 0 && orphans.isEmpty() && leftovers.isEmpty() ? 0 : 1;
    }

    private void start(String name) throws IOException {
        nodes.put(name, launch(name, name.equals("api") ? "serve" : "worker"));
    }

    /** {@code spool <command>} as the node {@code name}, with a data directory and a log of its own. */
    private Process launch(String name, String command) throws IOException {
        var builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.spool.cli.Main",
                        command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        root.resolve(name + ".log").toFile()));
        builder.environment().putAll(env);
        builder.environment().put("SPOOL_DATA_DIR", root.resolve(name).toString());
        builder.environment().put("SPOOL_WORKERS", name.equals("api") ? "0" : "1");
        return builder.start();
    }

    private void awaitApi() throws InterruptedException, IOException {
        // Generous: on a loaded 2-core machine a JVM start alone can take half a minute.
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline && nodes.get("api").isAlive()) {
            try {
                if (HTTP.send(
                                        HttpRequest.newBuilder(URI.create(baseUrl + "/readyz"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(100);
        }
        var log = Files.readAllLines(root.resolve("api.log"));
        throw new IllegalStateException("the API did not come up within 5 min; the end of its log:\n"
                + String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size())));
    }

    private String importVideo(String source, String name) {
        var body = Json.write(Map.of("name", name, "url", source));
        var answer = send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/asset/upload/url"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        return answer.path("task").path("id").asText();
    }

    private Map<String, String> awaitFinished(List<String> tasks, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        var phases = new LinkedHashMap<String, String>();
        while (true) {
            for (String id : tasks) {
                phases.put(
                        id, get("/api/task/" + id).path("status").path("phase").asText());
            }
            if (phases.values().stream().allMatch(FINISHED::contains) || System.nanoTime() > deadline) {
                return phases;
            }
            Thread.sleep(500);
        }
    }

    /** The asset of a completed import plays: master playlist, the first rendition's playlist and segment. */
    private boolean outputReadable(String taskId) {
        String assetId = get("/api/task/" + taskId).path("outputAssetId").asText();
        JsonNode asset = get("/api/asset/" + assetId);
        if (!asset.path("status").path("phase").asText().equals("ready")) {
            return false;
        }
        String base = "/asset/" + asset.path("playbackId").asText() + "/";
        String master = text(base + "index.m3u8");
        String rendition = firstUri(master);
        String playlist = text(base + rendition);
        String folder = rendition.contains("/") ? rendition.substring(0, rendition.lastIndexOf('/') + 1) : "";
        return !master.isEmpty()
                && !playlist.isEmpty()
                && !text(base + folder + firstUri(playlist)).isEmpty();
    }

    private static String firstUri(String playlist) {
        return playlist.lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .findFirst()
                .orElse("");
    }

    private String text(String path) {
        try {
            var answer = HTTP.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + path)).build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? answer.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)));
    }

    /** Sends with the admin's key, trying again while the API is down (it may have just been killed). */
    private JsonNode send(HttpRequest.Builder request) {
        request.header("Authorization", "Bearer " + ADMIN_KEY).timeout(Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                var answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() < 300) {
                    return Json.tree(answer.body());
                }
                throw new IllegalStateException("the API answered " + answer.statusCode() + ": " + answer.body());
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException(e);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Processes of this run whose node was just killed: the ones still running 2 s after the kill (a child that
     * dies with its parent needs a moment). Only node processes are children of this program, so anything else
     * of the run that has no live node as its parent is an orphan.
     */
    private List<String> orphansAfterKill() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        List<String> orphans = orphanedProcesses();
        while (!orphans.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            orphans = orphanedProcesses();
        }
        return orphans;
    }

    private List<String> orphanedProcesses() {
        var live = nodes.values().stream()
                .filter(Process::isAlive)
                .map(Process::pid)
                .toList();
        return ProcessHandle.allProcesses()
                .filter(this::commandLineMentionsRoot)
                .filter(p ->
                        p.parent().map(parent -> !live.contains(parent.pid())).orElse(true))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList();
    }

    /** Processes still running that were started for this run's files (ffmpeg works under the data directories). */
    private List<String> processesOfThisRun() {
        return ProcessHandle.allProcesses()
                .filter(this::commandLineMentionsRoot)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList();
    }

    private boolean commandLineMentionsRoot(ProcessHandle process) {
        return process.pid() != ProcessHandle.current().pid()
                && process.info()
                        .commandLine()
                        .map(line -> line.contains(root.toString()))
                        .orElse(false);
    }

    /**
     * What is left in the workers' work directories once every task is finished and the workers, stopped, have
     * been started once more: a starting worker reaps what a killed life of it left (what is old enough to be
     * certainly dead).
     */
    private List<Path> leftoversAfterARestart() throws IOException, InterruptedException {
        start("w1");
        start("w2");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!workDirectoryLeftovers().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        for (String worker : List.of("w1", "w2")) {
            nodes.get(worker).destroy();
            nodes.get(worker).waitFor();
        }
        return workDirectoryLeftovers();
    }

    /** Anything under a node's work directory. */
    private List<Path> workDirectoryLeftovers() throws IOException {
        var left = new ArrayList<Path>();
        for (String name : nodes.keySet()) {
            Path work = root.resolve(name).resolve("work");
            if (Files.isDirectory(work)) {
                try (Stream<Path> entries = Files.list(work)) {
                    entries.forEach(left::add);
                }
            }
        }
        return left;
    }

    private static void execute(String url, String sql) throws SQLException {
        try (var connection = DriverManager.getConnection(url);
                var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
