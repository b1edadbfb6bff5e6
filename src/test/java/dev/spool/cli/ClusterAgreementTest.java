package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.config.Config;
import dev.spool.config.ConfigException;
import dev.spool.storage.S3ProxyFixture;
import dev.spool.task.engine.ScriptedHandler;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.CapturedOutput;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Processes on one database agree on the object store and the server key, or do not start: the first start records
 * them, a {@code spool worker} that differs is refused with a line naming what differs (before it claims anything),
 * and one that shares them starts and works. A worker whose ffmpeg cannot run starts without media task types.
 */
class ClusterAgreementTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final S3ProxyFixture s3 = new S3ProxyFixture();

    private final List<AutoCloseable> opened = new ArrayList<>();
    private TestServer api;
    private Path sideEffects;

    @AfterEach
    void stop() throws Exception {
        for (var resource : opened.reversed()) {
            resource.close();
        }
    }

    private TestServer startApi(Store store, Map<String, String> overrides) {
        api = TestServer.start(store, overrides);
        opened.add(api);
        sideEffects = api.dataDir().resolveSibling("side-effects.log");
        return api;
    }

    /** A {@code spool worker} in this JVM with its own data directory, on the API's database unless told otherwise. */
    private Server startWorker(String name, Map<String, String> overrides) {
        var env = new HashMap<String, String>();
        env.put("SPOOL_DATABASE_URL", api.databaseUrl());
        env.put("SPOOL_DATA_DIR", api.dataDir().resolveSibling(name).toString());
        env.put("SPOOL_WORKERS", "1");
        env.put("SPOOL_POLL_INTERVAL", "100ms");
        env.putAll(overrides);
        var worker = Server.worker(Config.fromEnv(env), List.of(new ScriptedHandler(sideEffects, name)));
        opened.add(worker);
        return worker;
    }

    private Map<String, String> sharedWithApi() {
        return Map.of(
                "SPOOL_STORAGE_URL", api.dataDir().resolve("objects").toString(), "SPOOL_SECRET_KEY", apiServerKey());
    }

    private String apiServerKey() {
        try {
            return Files.readString(api.dataDir().resolve("secret-key")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String otherKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static Map<String, String> with(Map<String, String> settings, String name, String value) {
        var changed = new HashMap<>(settings);
        changed.put(name, value);
        return changed;
    }

    /** A task only the scripted test handler runs; it stays waiting until a worker claims it. */
    private String createScriptedTask(ApiClient client) {
        var response = client.post(
                "/api/task",
                Map.of("type", "export-data", "params", Map.of("exportData", Map.of("content", Map.of()))));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().path("id").asText();
    }

    private String phase(String taskId) {
        return api.admin()
                .get("/api/task/" + taskId)
                .json()
                .path("status")
                .path("phase")
                .asText();
    }

    private List<String> runsBy() throws IOException {
        return Files.exists(sideEffects)
                ? Files.readAllLines(sideEffects).stream()
                        .filter(l -> !l.isBlank())
                        .map(l -> l.split(" ")[2])
                        .toList()
                : List.of();
    }

    /** The only listed worker renews its registration: its lastSeen moves past {@code seen}. */
    private void awaitHeartbeatAfter(long seen) {
        Await.until(
                () -> api.anonymous()
                        .get("/readyz")
                        .json()
                        .path("workers")
                        .path(0)
                        .path("lastSeen")
                        .asLong(),
                lastSeen -> lastSeen > seen,
                WAIT,
                "the worker's next heartbeat");
    }

    private void assertStaysWaitingUntilAnAgreeingWorkerRunsIt(String taskId) throws IOException {
        assertThat(phase(taskId)).isEqualTo("waiting");
        startWorker("agreeing", sharedWithApi());
        Await.until(() -> phase(taskId), "completed"::equals, WAIT, "task " + taskId);
        assertThat(runsBy()).containsOnly("agreeing");
    }

    @Test
    void aWorkerWithItsOwnLocalDirectoryIsRefusedAndClaimsNothing() throws IOException {
        startApi(Store.POSTGRES, Map.of());
        String taskId = createScriptedTask(api.admin());
        Path ownObjects = api.dataDir().resolveSibling("elsewhere").resolve("objects");

        assertThatThrownBy(
                        () -> startWorker("refused", with(sharedWithApi(), "SPOOL_STORAGE_URL", ownObjects.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("this process's object store is local directory " + ownObjects.toRealPath()
                        + " but the cluster's is local directory "
                        + api.dataDir().resolve("objects").toRealPath()
                        + ": set SPOOL_STORAGE_URL to the cluster's (a local directory only when every process "
                        + "reaches that same directory, e.g. on a shared mount)");

        assertStaysWaitingUntilAnAgreeingWorkerRunsIt(taskId);
    }

    @Test
    void aWorkerWithAnotherServerKeyIsRefusedAndClaimsNothing() throws IOException {
        startApi(Store.POSTGRES, Map.of());
        String taskId = createScriptedTask(api.admin());

        assertThatThrownBy(() -> startWorker("refused", with(sharedWithApi(), "SPOOL_SECRET_KEY", otherKey())))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("this process's server key (from SPOOL_SECRET_KEY, fingerprint ")
                .hasMessageContaining(") is not the cluster's (fingerprint ")
                .hasMessageEndingWith("): set SPOOL_SECRET_KEY to the cluster's key (credentials sealed under it "
                        + "cannot be read with another)")
                .hasMessageNotContaining(apiServerKey());

        assertStaysWaitingUntilAnAgreeingWorkerRunsIt(taskId);
    }

    @Test
    void aWorkerStartedWithOnlyTheDatabaseUrlIsRefusedNamingBothTheStoreAndTheKey() {
        startApi(Store.POSTGRES, Map.of());

        assertThatThrownBy(() -> startWorker("careless", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("this process's object store is local directory ")
                .hasMessageContaining("; this process's server key (from "
                        + api.dataDir().resolveSibling("careless").resolve("secret-key") + ", fingerprint ");
    }

    @Test
    void aSpoolWorkerProcessGivenOnlyTheDatabaseUrlExitsWithOneLineSayingWhatToSet() throws Exception {
        startApi(Store.POSTGRES, Map.of());
        String taskId = createScriptedTask(api.admin());
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path stderr = api.dataDir().resolveSibling("worker.err");
        var builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-cp",
                        classpath,
                        "dev.spool.cli.Main",
                        "worker")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("SPOOL_"));
        builder.environment().put("SPOOL_DATABASE_URL", api.databaseUrl());
        builder.environment()
                .put("SPOOL_DATA_DIR", api.dataDir().resolveSibling("worker").toString());
        var worker = builder.start();
        opened.add(worker::destroyForcibly);

        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).as("the worker exits").isTrue();

        assertThat(worker.exitValue()).isEqualTo(2);
        assertThat(Files.readAllLines(stderr))
                .singleElement()
                .asString()
                .startsWith("spool: this process's object store is local directory ")
                .contains("set SPOOL_STORAGE_URL to the cluster's")
                .contains("; this process's server key (from ")
                .endsWith("set SPOOL_SECRET_KEY to the cluster's key (credentials sealed under it cannot be read "
                        + "with another)");
        assertThat(phase(taskId)).isEqualTo("waiting");
    }

    @Test
    void aWorkerOnAnotherBucketIsRefusedAndOneOnTheSameBucketStarts() throws IOException {
        String media = s3.createBucket();
        String other = s3.createBucket();
        startApi(Store.POSTGRES, Map.of("SPOOL_STORAGE_URL", s3.storageUrl(media), "SPOOL_SECRET_KEY", otherKey()));
        var shared = Map.of(
                "SPOOL_STORAGE_URL",
                s3.storageUrl(media),
                "SPOOL_SECRET_KEY",
                api.config().secretKey().orElseThrow());
        String taskId = createScriptedTask(api.admin());

        assertThatThrownBy(() -> startWorker("refused", with(shared, "SPOOL_STORAGE_URL", s3.storageUrl(other))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("this process's object store is S3 bucket '" + other + "' at " + s3.endpoint()
                        + " but the cluster's is S3 bucket '" + media + "' at " + s3.endpoint()
                        + ": set SPOOL_STORAGE_URL to the cluster's (a local directory only when every process "
                        + "reaches that same directory, e.g. on a shared mount)")
                .hasMessageNotContaining(S3ProxyFixture.SECRET_KEY);
        assertThat(phase(taskId)).isEqualTo("waiting");

        startWorker("agreeing", shared);
        Await.until(() -> phase(taskId), "completed"::equals, WAIT, "task " + taskId);
        assertThat(runsBy()).containsOnly("agreeing");
    }

    @Test
    void aWorkerWhoseFfmpegCannotRunStartsWithoutMediaTasksAndSaysSo() throws IOException {
        startApi(Store.POSTGRES, Map.of());
        var imported = api.admin()
                .post("/api/asset/upload/url", Map.of("name", "needs ffmpeg", "url", "https://example.com/video.mp4"));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        String importTask = imported.json().path("task").path("id").asText();
        String scriptedTask = createScriptedTask(api.admin());
        Path missing = api.dataDir().resolveSibling("no-such-ffmpeg");

        String said;
        try (var output = CapturedOutput.start()) {
            startWorker("no-ffmpeg", with(sharedWithApi(), "SPOOL_FFMPEG", missing.toString()));
            said = output.text();
        }

        assertThat(said)
                .contains("ffmpeg cannot run, so this process claims no upload, clip or transcode-file tasks: ")
                .contains(missing.toString());
        // The import is older than the scripted task: had the worker claimed imports, it would have taken it first.
        Await.until(() -> phase(scriptedTask), "completed"::equals, WAIT, "task " + scriptedTask);
        assertThat(phase(importTask)).isEqualTo("waiting");
        JsonNode workers = api.anonymous().get("/readyz").json().path("workers");
        assertThat(workers)
                .singleElement()
                .satisfies(worker ->
                        assertThat(worker.path("taskTypes").toString()).isEqualTo("[\"export\",\"export-data\"]"));
        // With that worker alive and no other, a new task of a type none can run is refused instead of queued.
        var refused = api.admin()
                .post(
                        "/api/asset/upload/url",
                        Map.of("name", "nobody can encode", "url", "https://example.com/another-video.mp4"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body())
                .contains("no worker of this Spool can run upload tasks")
                .contains("run export, export-data");
    }

    @Test
    void readyzListsTheLiveWorkersAndWhatTheyRunWhileTheyHeartbeatUntilTheyStop() {
        startApi(Store.POSTGRES, Map.of());
        var worker = startWorker("listed", sharedWithApi());

        var listed = api.anonymous().get("/readyz");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().path("workers")).singleElement().satisfies(entry -> {
            assertThat(entry.path("pid").asLong())
                    .isEqualTo(ProcessHandle.current().pid());
            assertThat(entry.path("taskTypes").toString())
                    .isEqualTo("[\"clip\",\"encode-chunk\",\"export\",\"export-data\",\"transcode-file\",\"upload\"]");
            assertThat(entry.path("lastSeen").asLong())
                    .isGreaterThanOrEqualTo(entry.path("startedAt").asLong());
        });
        assertThat(listed.body()).doesNotContain(apiServerKey());
        awaitHeartbeatAfter(
                listed.json().path("workers").path(0).path("lastSeen").asLong());

        opened.remove(worker);
        worker.close();

        assertThat(api.anonymous().get("/readyz").json().path("workers")).isEmpty();
    }

    @Test
    void anEmbeddedServersOwnWorkersAreListedByReadyzWhileTheyHeartbeat() {
        startApi(Store.SQLITE, Map.of("SPOOL_WORKERS", "1"));

        var first = api.anonymous().get("/readyz").json().path("workers");
        assertThat(first)
                .singleElement()
                .satisfies(
                        entry -> assertThat(entry.path("taskTypes").toString())
                                .isEqualTo(
                                        "[\"clip\",\"encode-chunk\",\"export\",\"export-data\",\"transcode-file\",\"upload\"]"));
        awaitHeartbeatAfter(first.path(0).path("lastSeen").asLong());
    }

    @Test
    void anEmbeddedServerRestartedWithAnotherServerKeyIsRefusedAndStartsAgainWithItsOwn() {
        startApi(Store.SQLITE, Map.of());
        api.server().close();
        var env = Map.of(
                "SPOOL_PORT",
                Integer.toString(api.config().port()),
                "SPOOL_DATA_DIR",
                api.dataDir().toString(),
                "SPOOL_WORKERS",
                "0",
                "SPOOL_SECRET_KEY",
                otherKey());

        assertThatThrownBy(() -> Server.serve(Config.fromEnv(env)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("this process's server key (from SPOOL_SECRET_KEY, fingerprint ")
                .hasMessageContaining(") is not this database's (fingerprint ");

        api.restart();
        assertThat(api.admin().get("/api/task").status()).isEqualTo(200);
    }
}
