package dev.spool.mediajob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.media.SampleMedia;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.FfmpegProcesses;
import dev.spool.testing.FilesBeingRemoved;
import dev.spool.testing.MediaHttpServer;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * A long import's chunks as child tasks of the engine, on a server with a single worker slot (the parent runs its
 * own chunks while it waits): a chunk whose ffmpeg dies is retried alone, an audio encode that fails costs the next
 * attempt no chunk, cancelling the parent stops every chunk, and the joined outputs play through with the audio
 * continuous across the joins. The chunks never show in the API. The server runs ffmpeg through
 * {@link CrashingAudioFfmpeg}, which passes every command on until a test arms it.
 */
@Tag("media")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@BothStores
class ClusterChunksTest {
    /** 24 s in 2 s segments over a 6 s threshold: 4 chunks of 3 segments. */
    private static final int SECONDS = 24;

    private static final int CHUNKS = 4;
    private static final Duration ENCODE = Duration.ofMinutes(2);

    static final CrashingAudioFfmpeg ffmpeg = CrashingAudioFfmpeg.create();

    @RegisterExtension
    static final SharedServers servers = new SharedServers(with(
            ffmpeg.settings(),
            Map.of(
                    "SPOOL_WORKERS", "1",
                    "SPOOL_IMPORT_ALLOW_PRIVATE", "true",
                    "SPOOL_X264_PRESET", "ultrafast",
                    "SPOOL_CHUNK_THRESHOLD_SECONDS", "6",
                    "SPOOL_CHUNK_PARALLEL", "4",
                    "SPOOL_TASK_FIRST_RETRY_DELAY", "1s")));

    static MediaHttpServer files;

    @Parameter
    Store store;

    TestServer server;
    ApiClient user;

    @BeforeAll
    static void serveMedia(@TempDir Path dir) {
        SampleMedia.mp4(dir, "long.mp4", SECONDS, "1280x720");
        files = MediaHttpServer.serving(dir);
    }

    @AfterAll
    static void stopServing() {
        files.close();
    }

    @BeforeEach
    void connect() {
        server = servers.on(store);
        user = server.client(server.createUserKey("chunks@example.com").key());
    }

    @Test
    void givenALongImport_whenOneChunksFfmpegIsKilled_thenOnlyThatChunkRunsAgainAndTheJoinedOutputsPlayThrough() {
        String taskId = importLong("killed chunk");
        String second = chunkId(taskId, 1);
        var progress = new ArrayList<Double>();
        var killed = Await.until(
                () -> {
                    sampleProgress(taskId, progress);
                    return chunkFfmpeg(taskId, 1);
                },
                running -> !running.isEmpty(),
                ENCODE,
                "the second chunk's ffmpeg to run");

        killed.forEach(ProcessHandle::destroyForcibly);

        JsonNode done = awaitEnd(taskId, () -> sampleProgress(taskId, progress));
        assertThat(done.path("status").path("phase").asText()).as("%s", done).isEqualTo("completed");
        assertThat(chunkRows(taskId))
                .as("the killed chunk ran twice, every other chunk and the parent once")
                .containsExactly(
                        chunkId(taskId, 0) + " completed 1",
                        second + " completed 2",
                        chunkId(taskId, 2) + " completed 1",
                        chunkId(taskId, 3) + " completed 1");
        assertThat(attempt(taskId)).isEqualTo(1);
        // Only what was sampled while it ran: on a fast machine the last chunks and the join can finish between two
        // samples, so how far the samples got is not a property of the task.
        assertThat(progress)
                .as("the parent's progress")
                .isSorted()
                .allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));

        JoinedOutputs.assertPlayThrough(user, done, SECONDS);
        assertChunksAreNotTasks(taskId);
    }

    /**
     * The audio is encoded beside the chunks and waited for once they are in: its failure says nothing against them,
     * so the next attempt joins the same chunks with its own audio.
     */
    @Test
    void givenALongImport_whenItsAudioEncodeFails_thenTheNextAttemptKeepsEveryChunkAndTheOutputsPlayThrough() {
        ffmpeg.arm();
        String taskId = importLong("failed audio");

        JsonNode done = awaitEnd(taskId);

        assertThat(ffmpeg.fired()).as("the first audio encode failed").isTrue();
        assertThat(done.path("status").path("phase").asText()).as("%s", done).isEqualTo("completed");
        assertThat(attempt(taskId)).as("the import's attempts").isEqualTo(2);
        assertThat(chunkRows(taskId))
                .as("the second attempt's chunks, each taken from the first and never run again (attempt 0)")
                .containsExactly(
                        taskId + "-a2-c0000 completed 0",
                        taskId + "-a2-c0001 completed 0",
                        taskId + "-a2-c0002 completed 0",
                        taskId + "-a2-c0003 completed 0");
        JoinedOutputs.assertPlayThrough(user, done, SECONDS);
    }

    @Test
    void givenALongImportRunningItsChunks_whenTheParentIsCancelled_thenNoChunkFfmpegIsLeftNorAnyOfItsFiles() {
        String taskId = importLong("cancelled");
        var encoding = Await.until(
                () -> chunkFfmpeg(taskId, 1),
                running -> !running.isEmpty(),
                ENCODE,
                "the second chunk's ffmpeg to run");
        // A finished chunk's outcome is written in the worker's next round, while its next chunk may already run.
        Await.until(
                () -> chunkRows(taskId),
                rows -> rows.getFirst().equals(chunkId(taskId, 0) + " completed 1"),
                Duration.ofSeconds(10),
                "the first chunk to be recorded as finished");

        var cancel = user.post("/api/task/" + taskId + "/cancel");

        assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
        Await.until(
                () -> encoding.stream().filter(ProcessHandle::isAlive).toList(),
                List::isEmpty,
                Duration.ofSeconds(10),
                "the running chunk's ffmpeg to be killed");
        Await.until(
                () -> FfmpegProcesses.naming(taskId + "-"),
                List::isEmpty,
                Duration.ofSeconds(10),
                "no ffmpeg of the cancelled import left");
        var rows = chunkRows(taskId);
        assertThat(rows.get(1))
                .as("the second chunk, cancelled while it ran (or, on a fast machine, finished just before)")
                .isIn(chunkId(taskId, 1) + " cancelled 1", chunkId(taskId, 1) + " completed 1");
        assertThat(rows)
                .as("no chunk left to run, the waiting ones never ran")
                .containsExactly(
                        chunkId(taskId, 0) + " completed 1",
                        rows.get(1),
                        chunkId(taskId, 2) + " cancelled 0",
                        chunkId(taskId, 3) + " cancelled 0");
        assertThat(Await.until(
                        () -> chunkFiles(taskId),
                        List::isEmpty,
                        Duration.ofSeconds(10),
                        "the cancelled import's source copy and the finished chunk's files to be removed"))
                .isEmpty();
        assertThat(user.get("/api/task/" + taskId)
                        .json()
                        .path("status")
                        .path("phase")
                        .asText())
                .isEqualTo("cancelled");
        assertChunksAreNotTasks(taskId);
    }

    private String importLong(String name) {
        var created = user.post(
                "/api/asset/upload/url",
                Map.of("name", name, "url", files.url("long.mp4"), "targetSegmentSizeSecs", 2));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("task").path("id").asText();
    }

    private JsonNode awaitEnd(String taskId) {
        return awaitEnd(taskId, () -> {});
    }

    /** The task once it has ended, {@code meanwhile} run before each look. */
    private JsonNode awaitEnd(String taskId, Runnable meanwhile) {
        return Await.until(
                () -> {
                    meanwhile.run();
                    return user.get("/api/task/" + taskId).json();
                },
                task -> Set.of("completed", "failed", "cancelled")
                        .contains(task.path("status").path("phase").asText()),
                ENCODE,
                "the import to end");
    }

    private static Map<String, String> with(Map<String, String> some, Map<String, String> others) {
        var all = new HashMap<>(some);
        all.putAll(others);
        return all;
    }

    private void sampleProgress(String taskId, List<Double> samples) {
        var status = user.get("/api/task/" + taskId).json().path("status");
        if (status.has("progress")) {
            samples.add(status.path("progress").asDouble());
        }
    }

    /** Chunk rows exist, yet neither the owner's nor the admin's list, nor a read by id, shows one. */
    private void assertChunksAreNotTasks(String taskId) {
        assertThat(chunkRows(taskId)).hasSize(CHUNKS);
        for (String list : List.of("/api/task?limit=100", "/api/task?limit=100&allUsers=1")) {
            var client = list.contains("allUsers") ? server.admin() : user;
            var listed = client.get(list).json();
            assertThat(StreamSupport.stream(listed.spliterator(), false)
                            .map(t ->
                                    t.path("id").asText() + " " + t.path("type").asText()))
                    .isNotEmpty()
                    .noneMatch(t -> t.startsWith(taskId + "-") || t.endsWith("encode-chunk"));
        }
        assertThat(user.get("/api/task/" + chunkId(taskId, 0)).status()).isEqualTo(404);
        assertThat(server.admin().get("/api/task/" + chunkId(taskId, 0)).status())
                .isEqualTo(404);
    }

    /** The files the import's attempts exchange through the (local) object store. */
    private List<Path> chunkFiles(String taskId) {
        Path root = server.dataDir().resolve("objects").resolve("spool-chunks");
        return FilesBeingRemoved.under(root).stream()
                .filter(file -> root.relativize(file).toString().startsWith(taskId + "-"))
                .toList();
    }

    private static String chunkId(String taskId, int index) {
        return taskId + "-a1-c000" + index;
    }

    /** "id phase attempt" of the task's chunk rows, read from the database: the API never shows them. */
    private List<String> chunkRows(String taskId) {
        return server.server()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT id, phase, attempt FROM tasks WHERE parent_id = :parent ORDER BY id")
                        .bind("parent", taskId)
                        .map((rs, ctx) -> rs.getString("id") + " " + rs.getString("phase") + " " + rs.getInt("attempt"))
                        .list());
    }

    private int attempt(String taskId) {
        return server.server()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT attempt FROM tasks WHERE id = :id")
                        .bind("id", taskId)
                        .mapTo(Integer.class)
                        .one());
    }

    /** The ffmpeg encoding chunk {@code index} of the task: it reads the task's source and writes that chunk. */
    private static List<ProcessHandle> chunkFfmpeg(String taskId, int index) {
        return FfmpegProcesses.naming(taskId + "-a1/source", "/chunk_" + index + ".ts");
    }
}
