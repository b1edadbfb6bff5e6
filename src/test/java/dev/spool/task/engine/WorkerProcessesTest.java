package dev.spool.task.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.media.SampleMedia;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.MediaHttpServer;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code spool worker} processes sharing one PostgreSQL database: exactly-once completion across processes,
 * recovery from a worker killed with SIGKILL, and on SIGTERM running tasks finishing within the grace or handed back
 * at its end.
 */
@Tag("process")
class WorkerProcessesTest {
    private TestServer server;
    private ApiClient admin;
    private SideEffects effects;
    private final List<Process> workers = new ArrayList<>();
    private Path log;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(
                Store.POSTGRES,
                Map.of("SPOOL_MAX_UNFINISHED_TASKS_PER_USER", "1000", "SPOOL_IMPORT_ALLOW_PRIVATE", "true"));
        admin = server.admin();
        log = Files.createTempFile("spool-workers-", ".log");
        effects = new SideEffects(log);
    }

    @AfterEach
    void stop() {
        workers.forEach(Process::destroyForcibly);
        // null when the start itself failed or was skipped: that failure is the one to report.
        if (server != null) {
            server.close();
        }
    }

    private Process startWorker(String name, Map<String, String> env) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        var builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-cp",
                        classpath,
                        WorkerProcessMain.class.getName(),
                        log.toString(),
                        name)
                .redirectErrorStream(true)
                .redirectOutput(
                        server.dataDir().getParent().resolve(name + ".out").toFile());
        var processEnv = builder.environment();
        processEnv.put("SPOOL_DATABASE_URL", server.databaseUrl());
        processEnv.put(
                "SPOOL_DATA_DIR", server.dataDir().getParent().resolve(name).toString());
        // The settings every process of a cluster shares: the API's object store and server key.
        processEnv.put("SPOOL_STORAGE_URL", server.dataDir().resolve("objects").toString());
        processEnv.put(
                "SPOOL_SECRET_KEY",
                Files.readString(server.dataDir().resolve("secret-key")).strip());
        processEnv.put("SPOOL_TASK_LEASE", "2s");
        processEnv.putAll(env);
        var process = builder.start();
        workers.add(process);
        return process;
    }

    private String create(String script) {
        return EngineTest.createWith(admin, script);
    }

    private String phase(String id) {
        return admin.get("/api/task/" + id).json().path("status").path("phase").asText();
    }

    @Test
    void threeWorkerProcessesCompleteTwoHundredTasksExactlyOnce() throws IOException {
        for (String name : List.of("w1", "w2", "w3")) {
            // A lease long enough that even a starved machine renews it: then every task runs exactly once.
            startWorker(
                    name,
                    Map.of("SPOOL_WORKERS", "2", "SPOOL_MAX_RUNNING_TASKS_PER_USER", "6", "SPOOL_TASK_LEASE", "20s"));
        }
        var ids = new ArrayList<String>();
        for (int i = 0; i < 200; i++) {
            ids.add(create("{\"sleepMs\": 20}"));
        }

        try {
            Await.until(() -> effects.dones().size(), n -> n >= 200, Duration.ofSeconds(90), "200 completions");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; unfinished: " + unfinished(ids), e);
        }
        // A side effect is written before its completion commits: once every task reads completed, all are in.
        Await.until(() -> unfinished(ids), List::isEmpty, Duration.ofSeconds(30), "every task completed");
        var doneByTask = effects.dones().stream()
                .collect(Collectors.groupingBy(SideEffects.Line::taskId, Collectors.counting()));
        assertThat(doneByTask)
                .hasSize(200)
                .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1L));
        var attempts = new HashSet<String>();
        for (var start : effects.starts()) {
            assertThat(attempts.add(start.taskId() + "#" + start.attempt()))
                    .as("task %s attempt %d ran in two places", start.taskId(), start.attempt())
                    .isTrue();
        }
        var byWorker = effects.dones().stream().map(SideEffects.Line::worker).collect(Collectors.toSet());
        assertThat(byWorker).as("every process took work").containsExactlyInAnyOrder("w1", "w2", "w3");
    }

    private List<String> unfinished(List<String> ids) {
        return ids.stream()
                .map(id -> admin.get("/api/task/" + id).json())
                .filter(t -> !t.path("status").path("phase").asText().equals("completed"))
                .map(t -> t.path("id").asText() + "=" + t.path("status"))
                .toList();
    }

    @Test
    void aTaskOfAWorkerKilledWithSigkillCompletesElsewhereAfterItsLeaseExpires() throws IOException {
        var first = startWorker("doomed", Map.of("SPOOL_WORKERS", "1"));
        String id = create("{\"sleepMs\": 60000, \"slowAttempts\": 1}");
        Await.until(() -> effects.starts().size(), n -> n == 1, Duration.ofSeconds(120), "the first start");

        first.destroyForcibly();
        startWorker("survivor", Map.of("SPOOL_WORKERS", "1"));

        Await.until(() -> phase(id), "completed"::equals, Duration.ofSeconds(30), "task " + id);
        var task = admin.get("/api/task/" + id).json();
        assertThat(task.path("status").path("retries").asInt()).isEqualTo(1);
        assertThat(effects.dones()).singleElement().satisfies(done -> {
            assertThat(done.worker()).isEqualTo("survivor");
            assertThat(done.attempt()).isEqualTo(2);
        });
        var running = admin.get("/api/task?filters="
                        + java.net.URLEncoder.encode(
                                "[{\"id\":\"phase\",\"value\":\"running\"}]", java.nio.charset.StandardCharsets.UTF_8))
                .json();
        assertThat(running).isEmpty();
    }

    @Test
    void aWorkerStoppedWithSigtermLetsItsRunningTaskFinishWithinTheGrace() throws Exception {
        var worker = startWorker(
                "finishing", Map.of("SPOOL_WORKERS", "1", "SPOOL_SHUTDOWN_GRACE", "60s", "SPOOL_TASK_LEASE", "60s"));
        String id = create("{\"sleepMs\": 4000}");
        Await.until(() -> effects.starts().size(), n -> n == 1, Duration.ofSeconds(120), "the start");

        worker.destroy();

        assertThat(worker.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                .as("the worker exited")
                .isTrue();
        assertThat(phase(id)).isEqualTo("completed");
        assertThat(effects.dones()).singleElement().satisfies(done -> {
            assertThat(done.worker()).isEqualTo("finishing");
            assertThat(done.attempt()).isEqualTo(1);
        });
    }

    @Test
    void aWorkerStoppedWithSigtermHandsItsTaskBackAtOnceWithoutCountingARetry() throws Exception {
        var first = startWorker(
                "leaving", Map.of("SPOOL_WORKERS", "1", "SPOOL_SHUTDOWN_GRACE", "1s", "SPOOL_TASK_LEASE", "60s"));
        String id = create("{\"sleepMs\": 60000, \"slowAttempts\": 1}");
        Await.until(() -> effects.starts().size(), n -> n == 1, Duration.ofSeconds(120), "the first start");

        first.destroy();
        assertThat(first.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Await.until(() -> phase(id), "waiting"::equals, Duration.ofSeconds(2), "task " + id);
        startWorker("next", Map.of("SPOOL_WORKERS", "1"));

        Await.until(() -> phase(id), "completed"::equals, Duration.ofSeconds(20), "task " + id);
        assertThat(admin.get("/api/task/" + id)
                        .json()
                        .path("status")
                        .path("retries")
                        .asInt())
                .isZero();
    }

    /**
     * A long import's chunks spread over two worker processes; the one that is not running the import is killed
     * with SIGKILL (its ffmpeg too) while it encodes a chunk: only that chunk runs again, on the surviving worker
     * after its lease expired, and the import completes with the parent's first attempt.
     */
    @Test
    void aChunkOfAWorkerKilledWithSigkillRunsAgainAloneOnTheOtherWorker(@TempDir Path media) throws IOException {
        SampleMedia.mp4(media, "long.mp4", 24, "1280x720");
        var chunked = Map.of(
                "SPOOL_WORKERS", "1",
                "SPOOL_IMPORT_ALLOW_PRIVATE", "true",
                "SPOOL_X264_PRESET", "ultrafast",
                "SPOOL_CHUNK_THRESHOLD_SECONDS", "6",
                "SPOOL_CHUNK_PARALLEL", "4");
        try (var files = MediaHttpServer.serving(media)) {
            var workers = List.of(startWorker("w1", chunked), startWorker("w2", chunked));
            for (String name : List.of("w1", "w2")) {
                Path out = server.dataDir().getParent().resolve(name + ".out");
                Await.until(
                        () -> Files.exists(out) && readString(out).contains("worker ready"),
                        ready -> ready,
                        Duration.ofSeconds(120),
                        name + " to start");
            }
            var created = admin.post(
                    "/api/asset/upload/url",
                    Map.of("name", "long", "url", files.url("long.mp4"), "targetSegmentSizeSecs", 2));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String id = created.json().path("task").path("id").asText();
            long parentPid = Await.until(() -> leaseOwnerPid(id), pid -> pid > 0, Duration.ofSeconds(60), "a claim");
            var doomed = workers.stream()
                    .filter(w -> w.pid() != parentPid)
                    .findFirst()
                    .orElseThrow();
            var encoding = Await.until(
                    () -> chunkEncodes(doomed.toHandle()),
                    running -> !running.isEmpty(),
                    Duration.ofSeconds(120),
                    "the worker not running the import to encode a chunk");
            String chunk = encoding.getFirst()
                    .info()
                    .arguments()
                    .map(args -> String.join(" ", args).replaceAll(".*/chunk_(\\d+)\\.ts.*", "$1"))
                    .orElseThrow();

            doomed.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            doomed.destroyForcibly();

            Await.until(
                    () -> phase(id),
                    p -> Set.of("completed", "failed", "cancelled").contains(p),
                    Duration.ofSeconds(180),
                    "the import to end");
            assertThat(phase(id)).isEqualTo("completed");
            var attempts = server.server()
                    .database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT id, attempt FROM tasks WHERE id = :id OR parent_id = :id")
                            .bind("id", id)
                            .map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getInt("attempt")))
                            .list());
            assertThat(attempts)
                    .as("chunk %s, killed with its worker, ran twice; every other chunk and the parent once", chunk)
                    .hasSize(5)
                    .allSatisfy(row -> assertThat(row.getValue())
                            .as(row.getKey())
                            .isEqualTo(row.getKey().endsWith("-c000" + chunk) ? 2 : 1));
        }
    }

    /** The process id in the lease owner of a running task ("host/pid/random"), 0 while nobody holds it. */
    private long leaseOwnerPid(String id) {
        String owner = server.server()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT lease_owner FROM tasks WHERE id = :id")
                        .bind("id", id)
                        .mapTo(String.class)
                        .findOne()
                        .orElse(null));
        return owner == null ? 0 : Long.parseLong(owner.split("/")[1]);
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The chunk encodes among a worker process's children: ffmpeg writing a cluster chunk's video file. */
    private static List<ProcessHandle> chunkEncodes(ProcessHandle worker) {
        return worker.descendants()
                .filter(p -> p.info()
                        .arguments()
                        .map(args -> String.join(" ", args).matches(".*/chunk_\\d+\\.ts.*"))
                        .orElse(false))
                .toList();
    }
}
