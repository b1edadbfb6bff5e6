package dev.spool.mediajob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.media.SampleMedia;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.FfmpegProcesses;
import dev.spool.testing.FilesBeingRemoved;
import dev.spool.testing.MediaHttpServer;
import dev.spool.testing.SpoolProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long import whose worker process dies while its chunks run (SIGKILL: no clean-up, the lease simply runs out) or
 * is stopped (SIGTERM: the process stops its work and cleans up) is taken up by its next attempt without encoding
 * again the chunks the first attempt finished, unless the source it fetches again has changed meanwhile; either way
 * its joined outputs play through. Stopped with a grace long enough for the rest, it completes before the process
 * exits. The server is a process of its own, with a single worker slot that runs the chunks one after the other;
 * what lives in its data directory is what survives the kill, so one store is enough.
 */
@Tag("media")
@Tag("process")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RetriedChunkedImportTest {
    private static final String ADMIN_KEY = "retried-chunks-admin-key-0123456789abcdef";
    /** 24 s in 2 s segments over a 6 s threshold: 4 chunks of 3 segments. */
    private static final int SECONDS = 24;

    private static final Duration ENCODE = Duration.ofMinutes(3);
    /** Too short for the rest of the import: a graceful stop gives it back to the queue. */
    private static final Duration GRACE = Duration.ofSeconds(1);
    /** The third or fourth chunk: whichever encodes once the first two are recorded as finished. */
    private static final int[] LATER_CHUNKS = {2, 3};

    @TempDir
    Path dir;

    Path media;
    SpoolProcess server;
    MediaHttpServer files;
    ApiClient admin;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (files != null) {
            files.close();
        }
    }

    @Test
    void givenALongImportWhoseWorkerDiesWhileItsThirdChunkRuns_whenTheNextAttemptRuns_thenTheFinishedChunksAreKept()
            throws Exception {
        String taskId = importStoppedWhileAChunkRuns(SpoolProcess::kill, GRACE, LATER_CHUNKS);

        server.restart();

        assertKeptTheFirstTwoChunks(taskId);
    }

    @Test
    void givenALongImportWhoseServerIsStoppedWhileItsThirdChunkRuns_whenItStartsAgain_thenTheFinishedChunksAreKept()
            throws Exception {
        String taskId = importStoppedWhileAChunkRuns(SpoolProcess::close, GRACE, LATER_CHUNKS);

        server.restart();

        assertKeptTheFirstTwoChunks(taskId);
    }

    @Test
    void givenALongImportWhoseServerIsStoppedWhileItsThirdChunkRuns_whenTheGraceOutlastsTheRest_thenItCompletesFirst()
            throws Exception {
        // Stopped while the third chunk runs, so that the fourth can only start during the grace.
        String taskId = importStoppedWhileAChunkRuns(process -> process.stopWithin(ENCODE), Duration.ofMinutes(5), 2);

        assertThat(taskColumn(taskId, "phase") + " " + taskColumn(taskId, "attempt"))
                .as("the import, when the process had stopped")
                .isEqualTo("completed 1");
        assertThat(logLines("back to the queue")).as("nothing was given back").isEmpty();
        server.restart();
        JsonNode done = awaitEnd(taskId, 1);
        JoinedOutputs.assertPlayThrough(admin, done, SECONDS);
        assertThat(objectsUnder("spool-chunks")).as("the chunk files").isEmpty();
    }

    private void assertKeptTheFirstTwoChunks(String taskId) throws Exception {
        JsonNode done = awaitEnd(taskId, 2);
        assertThat(chunkRows(taskId))
                .as("the second attempt's chunks: the first two kept, never run again (attempt 0)")
                .hasSize(4)
                .startsWith(chunk(taskId, 2, 0) + " completed 0", chunk(taskId, 2, 1) + " completed 0")
                .allSatisfy(row -> assertThat(row).contains(" completed "));
        assertThat(logLines("were encoded by an earlier attempt and are kept"))
                .as("the second attempt says what it kept")
                .anySatisfy(line -> assertThat(line).contains(taskId + " attempt 2: "));
        JoinedOutputs.assertPlayThrough(admin, done, SECONDS);
        assertThat(Await.until(
                        () -> objectsUnder("spool-chunks"),
                        List::isEmpty,
                        Duration.ofSeconds(30),
                        "the chunk files of both attempts to be removed"))
                .isEmpty();
    }

    @Test
    void givenALongImportWhoseWorkerDied_whenTheSourceChangedBeforeTheNextAttempt_thenEveryChunkIsEncodedAgain()
            throws Exception {
        String taskId = importStoppedWhileAChunkRuns(SpoolProcess::kill, GRACE, LATER_CHUNKS);
        // The same media under another title tag: the same chunks, the same encodes; only the bytes differ.
        SampleMedia.mp4(media, "long.mp4", SECONDS, "1280x720", "edited");

        server.restart();

        JsonNode done = awaitEnd(taskId, 2);
        assertThat(chunkRows(taskId))
                .as("the second attempt ran every chunk itself")
                .containsExactly(
                        chunk(taskId, 2, 0) + " completed 1",
                        chunk(taskId, 2, 1) + " completed 1",
                        chunk(taskId, 2, 2) + " completed 1",
                        chunk(taskId, 2, 3) + " completed 1");
        assertThat(logLines("were encoded by an earlier attempt and are kept")).isEmpty();
        JoinedOutputs.assertPlayThrough(admin, done, SECONDS);
    }

    /**
     * Imports the long source and stops the server ({@link SpoolProcess#kill} or a graceful {@link SpoolProcess#close},
     * running tasks given {@code grace} to finish) while one of the given chunks (by index) encodes, the first two
     * recorded as finished, then ends the chunk's ffmpeg should it still run; answers the import's task id.
     */
    private String importStoppedWhileAChunkRuns(Consumer<SpoolProcess> stop, Duration grace, int... chunks)
            throws Exception {
        media = Files.createDirectories(dir.resolve("media"));
        SampleMedia.mp4(media, "long.mp4", SECONDS, "1280x720");
        files = MediaHttpServer.serving(media);
        server = SpoolProcess.start(
                dir,
                Map.of(
                        "SPOOL_ADMIN_API_KEY", ADMIN_KEY,
                        "SPOOL_WORKERS", "1",
                        "SPOOL_IMPORT_ALLOW_PRIVATE", "true",
                        "SPOOL_X264_PRESET", "ultrafast",
                        "SPOOL_CHUNK_THRESHOLD_SECONDS", "6",
                        "SPOOL_TASK_LEASE", "3s",
                        "SPOOL_TASK_FIRST_RETRY_DELAY", "1s",
                        "SPOOL_SHUTDOWN_GRACE", grace.toSeconds() + "s"));
        admin = new ApiClient(server.baseUrl(), ADMIN_KEY);
        var created = admin.post(
                "/api/asset/upload/url",
                Map.of("name", "killed worker", "url", files.url("long.mp4"), "targetSegmentSizeSecs", 2));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String taskId = created.json().path("task").path("id").asText();
        var encoding = Await.until(
                () -> {
                    var running = new ArrayList<ProcessHandle>();
                    for (int chunk : chunks) {
                        running.addAll(FfmpegProcesses.naming(taskId + "-a1/source", "/chunk_" + chunk + ".ts"));
                    }
                    return running;
                },
                running -> !running.isEmpty(),
                ENCODE,
                "the ffmpeg of chunk " + Arrays.toString(chunks) + " to run");
        // A finished chunk's outcome is written in the worker's next round, while its next chunk may already run.
        Await.until(
                () -> chunkRows(taskId),
                rows -> rows.size() == 4
                        && rows.get(0).equals(chunk(taskId, 1, 0) + " completed 1")
                        && rows.get(1).equals(chunk(taskId, 1, 1) + " completed 1"),
                Duration.ofSeconds(10),
                "the first attempt's first two chunks to be recorded as finished");
        stop.accept(server);
        encoding.forEach(ProcessHandle::destroyForcibly);
        return taskId;
    }

    /** Waits for the import to complete, in the given attempt. */
    private JsonNode awaitEnd(String taskId, int attempt) throws SQLException {
        JsonNode done = Await.until(
                () -> admin.get("/api/task/" + taskId).json(),
                task -> Set.of("completed", "failed", "cancelled")
                        .contains(task.path("status").path("phase").asText()),
                ENCODE,
                "the import to end");
        assertThat(done.path("status").path("phase").asText()).as("%s", done).isEqualTo("completed");
        assertThat(taskColumn(taskId, "attempt")).as("the import's attempts").isEqualTo(Integer.toString(attempt));
        return done;
    }

    private static String chunk(String taskId, int attempt, int index) {
        return taskId + "-a" + attempt + "-c000" + index;
    }

    /** "id phase attempt" of the import's chunk rows, read from the server's database: the API never shows them. */
    private List<String> chunkRows(String taskId) {
        var rows = new ArrayList<String>();
        try (var c = DriverManager.getConnection(
                        "jdbc:sqlite:" + server.dataDir().resolve("spool.db"));
                var s = c.prepareStatement("SELECT id, phase, attempt FROM tasks WHERE parent_id = ? ORDER BY id")) {
            s.setString(1, taskId);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getInt(3));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the server's database", e);
        }
        return rows;
    }

    /** One column of the import's row, read from the server's database. */
    private String taskColumn(String taskId, String column) throws SQLException {
        try (var c = DriverManager.getConnection(
                        "jdbc:sqlite:" + server.dataDir().resolve("spool.db"));
                var s = c.prepareStatement("SELECT " + column + " FROM tasks WHERE id = ?")) {
            s.setString(1, taskId);
            try (var rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private List<String> logLines(String containing) throws Exception {
        return Files.readAllLines(server.log()).stream()
                .filter(line -> line.contains(containing))
                .toList();
    }

    private List<Path> objectsUnder(String prefix) {
        return FilesBeingRemoved.under(server.dataDir().resolve("objects").resolve(prefix));
    }
}
