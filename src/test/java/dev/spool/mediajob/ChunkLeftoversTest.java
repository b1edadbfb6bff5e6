package dev.spool.mediajob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.storage.LocalObjectStore;
import dev.spool.storage.ObjectInfo;
import dev.spool.task.engine.EngineSupport;
import dev.spool.testing.Await;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chunk files a process that died mid-encode left in the object store (the attempt's copy of the source and its
 * chunks' outputs) are removed: by the task's next attempt, and by any worker process that starts, for every task
 * that is not running; the files of running attempts and everything outside the chunks' root stay.
 */
class ChunkLeftoversTest {
    private static final String RUNNING = "0b6c1f7e-0a1d-4e7e-a2b3-a4c5d6e7f809";
    private static final String ENDED = "5f0e2d3c-4b5a-4a69-8a7b-6c5d4e3f2a10";

    @TempDir
    Path objects;

    private static void put(LocalObjectStore store, Path scratch, String key) throws Exception {
        store.put(key, Files.writeString(scratch.resolve("file"), key), null);
    }

    /** A local store holding an object under each key. */
    private LocalObjectStore holding(Path scratch, String... keys) throws Exception {
        var store = new LocalObjectStore(objects);
        for (String key : keys) {
            put(store, scratch, key);
        }
        return store;
    }

    private static List<String> keys(LocalObjectStore store) {
        return store.list("").stream().map(ObjectInfo::key).toList();
    }

    @Test
    void givenTheFilesOfStoppedAttempts_whenReaped_thenOnlyThoseOfRunningTasksAndOtherObjectsRemain(
            @TempDir Path scratch) throws Exception {
        var store = holding(
                scratch,
                "spool-chunks/" + RUNNING + "-a2/source",
                "spool-chunks/" + RUNNING + "-a2/c0/720p0_chunk0.ts",
                "spool-chunks/" + ENDED + "-a1/source",
                "spool-chunks/" + ENDED + "-a1/c3/720p0_chunk3.ts",
                "spool-chunks/unknown-task-a7/source",
                "assets/" + ENDED + "/index.m3u8");

        int removed = ChunkLeftovers.reap(store, RUNNING::equals);

        assertThat(removed).isEqualTo(2);
        assertThat(keys(store))
                .containsExactly(
                        "assets/" + ENDED + "/index.m3u8",
                        "spool-chunks/" + RUNNING + "-a2/c0/720p0_chunk0.ts",
                        "spool-chunks/" + RUNNING + "-a2/source");
    }

    @Test
    void givenOtherAttemptsFiles_whenAnAttemptStartsItsChunks_thenOnlyTheEarlierAttemptsOfItsOwnTaskAreRemoved(
            @TempDir Path scratch) throws Exception {
        var store = holding(
                scratch,
                "spool-chunks/" + ENDED + "-a1/source",
                "spool-chunks/" + ENDED + "-a2/source",
                "spool-chunks/" + ENDED + "-a10/source",
                "spool-chunks/" + RUNNING + "-a1/source");

        int removed = ChunkLeftovers.reapEarlierAttempts(store, ENDED, 2);

        assertThat(removed).isEqualTo(1);
        assertThat(keys(store))
                .as("a later attempt (one that took the task over from a process that lost it) is kept")
                .containsExactlyInAnyOrder(
                        "spool-chunks/" + ENDED + "-a10/source",
                        "spool-chunks/" + ENDED + "-a2/source",
                        "spool-chunks/" + RUNNING + "-a1/source");
    }

    @Test
    void givenAStartedReaper_whenAnAttemptIsLeftLater_thenALaterPassRemovesIt(@TempDir Path scratch) throws Exception {
        var store = holding(scratch, "spool-chunks/" + RUNNING + "-a1/source");
        try (var reaper = new ChunkLeftovers(store, RUNNING::equals).start(Duration.ofMillis(50))) {
            for (int attempt = 1; attempt <= 2; attempt++) {
                String left = "spool-chunks/" + ENDED + "-a" + attempt + "/source";
                put(store, scratch, left);

                Await.until(
                        () -> keys(store),
                        keys -> !keys.contains(left),
                        Duration.ofSeconds(10),
                        "a pass of the reaper to remove " + left);
            }
        }

        assertThat(keys(store)).containsExactly("spool-chunks/" + RUNNING + "-a1/source");
    }

    @Test
    void givenChunkFilesOfARunningAWaitingAndAnEndedTask_whenAWorkerProcessStarts_thenOnlyTheEndedTasksAreRemoved(
            @TempDir Path scratch) throws Exception {
        try (var server = TestServer.start(Store.SQLITE, Map.of("SPOOL_WORKERS", "0"))) {
            String user = server.createUserKey("leftovers@example.com").userId();
            String running = EngineSupport.createExportTask(server, user, "{}");
            String retried = EngineSupport.createExportTask(server, user, "{}");
            String ended = EngineSupport.createExportTask(server, user, "{}");
            server.server().database().jdbi().useHandle(h -> {
                h.execute(
                        "UPDATE tasks SET phase = 'running', attempt = 1, lease_owner = 'a-live-worker', "
                                + "lease_expires_at = ? WHERE id = ?",
                        Long.MAX_VALUE,
                        running);
                // Its first attempt's worker died: it waits for its next attempt, which keeps the chunks done.
                h.execute(
                        "UPDATE tasks SET phase = 'waiting', attempt = 1, retries = 1, run_after = ? WHERE id = ?",
                        Long.MAX_VALUE,
                        retried);
                h.execute("UPDATE tasks SET phase = 'failed', error_message = 'gave up' WHERE id = ?", ended);
            });
            var store = new LocalObjectStore(server.dataDir().resolve("objects"));
            put(store, scratch, "spool-chunks/" + running + "-a1/source");
            put(store, scratch, "spool-chunks/" + retried + "-a1/c0/720p0_chunk0.ts");
            put(store, scratch, "spool-chunks/" + ended + "-a1/source");
            put(store, scratch, "spool-chunks/" + ended + "-a1/c0/720p0_chunk0.ts");
            // Attempts are reaped in the order of their names: this one, of no task, goes last.
            String last = "spool-chunks/ffffffff-ffff-ffff-ffff-ffffffffffff-a1/source";
            put(store, scratch, last);

            server.restartWith(Map.of("SPOOL_WORKERS", "1"));

            var left = Await.until(
                    () -> keys(store).stream()
                            .filter(key -> key.startsWith("spool-chunks/"))
                            .toList(),
                    keys -> !keys.contains(last),
                    Duration.ofSeconds(30),
                    "the reaper to reach the last attempt");
            assertThat(left)
                    .containsExactlyInAnyOrder(
                            "spool-chunks/" + running + "-a1/source",
                            "spool-chunks/" + retried + "-a1/c0/720p0_chunk0.ts");
        }
    }
}
