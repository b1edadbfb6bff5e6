package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import dev.spool.testing.Await;
import dev.spool.testing.FileServer;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import dev.spool.testing.TestVideos;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI for people ({@code spool upload | import | tasks | task | assets}) run in-process through picocli, with
 * its stdout and stderr captured, against a real server running real tasks.
 */
class RemoteCommandsTest {
    private static TestServer server;
    private static FileServer files;
    private static String key;
    private static Path video;

    @TempDir
    Path stateDir;

    /** One run of the CLI: its exit status and what it printed. */
    record Run(int exitCode, String out, String err) {}

    @BeforeAll
    static void start(@TempDir Path media) {
        server = TestServer.start(
                Store.SQLITE,
                Map.of(
                        "SPOOL_WORKERS", "1",
                        "SPOOL_X264_PRESET", "ultrafast",
                        "SPOOL_IMPORT_ALLOW_PRIVATE", "true",
                        "SPOOL_TASK_MAX_RETRIES", "0"));
        key = server.createUserKey("cli@example.com").key();
        video = TestVideos.generate(media.resolve("clip.mp4"), 3);
        files = FileServer.start().file("/clip.mp4", video);
    }

    @AfterAll
    static void stop() {
        files.close();
        server.close();
    }

    @Test
    void givenAVideoFile_whenUploaded_thenTheProgressBarFillsAndTheReadyAssetsIdAndPlaybackUrlArePrinted() {
        var run = spool("upload", video.toString(), "--chunk-size", "65536");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("upload [" + "#".repeat(30) + "] 100%");
        assertThat(run.err()).contains("task ").contains("] 100%");
        String assetId = line(run.out(), "asset");
        assertThat(line(run.out(), "playback")).startsWith(server.baseUrl()).endsWith(".m3u8");
        var asset = server.client(key).get("/api/asset/" + assetId).json();
        assertThat(asset.path("status").path("phase").asText()).isEqualTo("ready");
        assertThat(asset.path("size").asLong()).isPositive();
        assertThat(stateFiles()).isEmpty();
    }

    @Test
    void givenAnUploadStoppedHalfway_whenRunAgain_thenItResumesFromTheServersOffsetAndFinishes() throws Exception {
        long size = Files.size(video);
        var first = startUploadProcess(size / 4);
        long savedOffset;
        try {
            savedOffset = Await.until(
                    this::savedOffset,
                    offset -> offset > 0,
                    Duration.ofSeconds(60),
                    "the first upload to save some progress");
        } finally {
            first.destroy();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(savedOffset).isLessThan(size);

        var resumed = spool("upload", video.toString(), "--state-dir", stateDir.toString());

        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.err())
                .containsPattern("resuming the upload of .* at [1-9][0-9]* of " + size + " bytes")
                .doesNotContain("uploading " + video);
        var asset = server.client(key)
                .get("/api/asset/" + line(resumed.out(), "asset"))
                .json();
        assertThat(asset.path("status").path("phase").asText()).isEqualTo("ready");
        assertThat(asset.path("size").asLong()).isEqualTo(size);
        assertThat(stateFiles()).isEmpty();
    }

    @Test
    void givenAnImportThatCompletes_whenItsTaskIsWatched_thenTheExitStatusIsZero() {
        var imported = spool("import", files.url("/clip.mp4"), "--json");
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        String taskId = Json.tree(imported.out()).path("task").path("id").asText();

        var watched = spool("task", taskId, "--watch");

        assertThat(watched.exitCode()).as(watched.err()).isZero();
        assertThat(watched.err()).contains("] 100%");
        assertThat(watched.out()).contains(taskId).contains("completed");
    }

    @Test
    void givenAnImportOfAMissingFile_whenItsTaskIsWatched_thenTheExitStatusIsNonZeroAndTheErrorIsPrinted() {
        var imported = spool("import", files.url("/missing.mp4"), "--json");
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        String taskId = Json.tree(imported.out()).path("task").path("id").asText();

        var watched = spool("task", taskId, "--watch");

        assertThat(watched.exitCode()).isEqualTo(1);
        assertThat(watched.err())
                .contains("spool: task " + taskId + " failed: ")
                .contains("404");
    }

    @Test
    void givenSomeWork_whenListed_thenPeopleGetColumnsAndScriptsGetTheServersJson() {
        var imported = spool("import", files.url("/clip.mp4"), "--name", "listed", "--watch");
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        String assetId = line(imported.out(), "asset");

        var assets = spool("assets");
        var tasks = spool("tasks", "--json");

        assertThat(assets.exitCode()).isZero();
        assertThat(assets.out())
                .startsWith("ID")
                .contains(assetId)
                .contains("listed")
                .contains("ready");
        assertThat(tasks.exitCode()).isZero();
        JsonNode list = Json.tree(tasks.out());
        assertThat(list.isArray()).isTrue();
        assertThat(list.findValuesAsText("id")).contains(line(imported.out(), "task"));
    }

    @Test
    void givenNoKey_whenAnyRemoteCommandRuns_thenItSaysWhatIsMissing() {
        var cli = new CommandLine(new Main());
        var err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));

        int exit = cli.execute("tasks", "--url", server.baseUrl(), "--api-key", "");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("no API key: pass --api-key or set SPOOL_API_KEY");
    }

    private Run spool(String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", server.baseUrl(), "--api-key", key));
        if (args[0].equals("upload") && !all.contains("--state-dir")) {
            all.addAll(List.of("--state-dir", stateDir.toString()));
        }
        var out = new StringWriter();
        var err = new StringWriter();
        var cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    /** The same upload in a process of its own, paced so that it is still sending when it is stopped. */
    private Process startUploadProcess(long bytesPerSecond) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "upload",
                        video.toString(),
                        "--url",
                        server.baseUrl(),
                        "--api-key",
                        key,
                        "--state-dir",
                        stateDir.toString(),
                        "--chunk-size",
                        "16384",
                        "--limit-rate",
                        Long.toString(bytesPerSecond))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private long savedOffset() {
        return stateFiles().stream()
                .mapToLong(file -> {
                    try {
                        return Json.tree(Files.readString(file)).path("offset").asLong();
                    } catch (IOException | RuntimeException e) {
                        return 0;
                    }
                })
                .max()
                .orElse(0);
    }

    private List<Path> stateFiles() {
        if (!Files.isDirectory(stateDir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(stateDir)) {
            return list.filter(p -> p.toString().endsWith(".json")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String line(String out, String label) {
        return out.lines()
                .filter(l -> l.startsWith(label + " "))
                .map(l -> l.substring(label.length()).trim())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no '" + label + "' line in:\n" + out));
    }
}
