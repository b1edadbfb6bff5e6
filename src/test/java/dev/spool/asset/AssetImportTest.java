package dev.spool.asset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.media.SampleMedia;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.FfmpegProcesses;
import dev.spool.testing.FileServer;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 * Importing a video from a URL, end to end over HTTP: the task, the asset it fills, playback info, the files a
 * player fetches, duplicates, failures, deletion and tenancy. Real ffmpeg, on SQLite and on PostgreSQL.
 */
@Tag("media")
// Encoding with ffmpeg on a loaded 2-core machine: more than the 5 minutes every other test gets.
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@BothStores
class AssetImportTest {
    // Raw HTTP for playback only: playlists, segments, MP4 byte ranges and CORS preflights are not JSON.
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration PROCESSING = Duration.ofSeconds(120);

    @RegisterExtension
    static final SharedServers servers = new SharedServers(Map.of(
            "SPOOL_WORKERS", "1",
            "SPOOL_IMPORT_ALLOW_PRIVATE", "true",
            "SPOOL_X264_PRESET", "ultrafast",
            "SPOOL_TASK_FIRST_RETRY_DELAY", "200ms",
            "SPOOL_TASK_RETRY_DELAY", "200ms"));

    /** One finished import per server, shared by the tests that only read it. */
    private static final Map<TestServer, Imported> READY = new ConcurrentHashMap<>();

    static FileServer files;
    static Path video;

    @Parameter
    Store store;

    TestServer server;
    ApiClient alice;

    /** An import as the client saw it: the creation answer, the task and asset once done, and every progress read. */
    record Imported(
            JsonNode created, JsonNode task, JsonNode asset, List<Double> taskProgress, List<Double> assetProgress) {
        String playbackId() {
            return asset.path("playbackId").asText();
        }
    }

    @BeforeAll
    static void serveMedia(@TempDir Path dir) throws IOException {
        video = SampleMedia.mp4(dir, "video.mp4", 4, "320x240");
        // Long and large enough that encoding it takes well over the ten seconds a cancel may take.
        Path long720p = SampleMedia.mp4(dir, "long.mp4", 120, "1280x720");
        Path text = Files.writeString(dir.resolve("notes.mp4"), "these are meeting notes, not a video\n".repeat(50));
        files = FileServer.start()
                .file("/video.mp4", video)
                .file("/long.mp4", long720p)
                .file("/notes.mp4", text)
                .slowFile("/slow/notes.mp4", text, Duration.ofSeconds(3));
    }

    @AfterAll
    static void stopServingMedia() {
        files.close();
    }

    @BeforeEach
    void connect() {
        server = servers.on(store);
        alice = server.client(server.createUserKey("alice@example.com").key());
    }

    @Test
    void givenAVideoAtAUrl_whenImported_thenTheTaskCompletesWithTheAssetSpecAndTheAssetIsReady() throws Exception {
        var imported = readyAsset();

        assertThat(imported.created().path("asset").path("status").path("phase").asText())
                .isEqualTo("waiting");
        assertThat(imported.created().path("asset").path("source").path("type").asText())
                .isEqualTo("url");
        assertThat(imported.created().path("asset").path("source").path("url").asText())
                .isEqualTo(files.url("/video.mp4"));

        var task = imported.task();
        assertThat(task.path("type").asText()).isEqualTo("upload");
        assertThat(task.path("outputAssetId").asText())
                .isEqualTo(imported.asset().path("id").asText());
        var spec = task.path("output").path("upload").path("assetSpec");
        assertThat(spec.path("id").asText())
                .as("asset-shaped, as SDKs parse it")
                .isEqualTo(task.path("outputAssetId").asText());
        assertThat(spec.path("source").path("type").asText()).isEqualTo("url");
        assertThat(spec.path("size").asLong()).isEqualTo(Files.size(video));
        assertThat(spec.path("videoSpec").path("duration").asDouble()).isBetween(3.5, 4.5);

        var asset = imported.asset();
        assertThat(asset.path("status").path("phase").asText()).isEqualTo("ready");
        assertThat(asset.path("size").asLong()).isEqualTo(Files.size(video));
        assertThat(asset.path("hash")).hasSize(2);
        assertThat(hash(asset, "md5")).isEqualTo(digest("MD5", video));
        assertThat(hash(asset, "sha256")).isEqualTo(digest("SHA-256", video));
        assertThat(asset.path("videoSpec").path("format").asText()).isNotEmpty();
        assertThat(asset.path("videoSpec").path("duration").asDouble()).isBetween(3.5, 4.5);
        assertThat(asset.path("videoSpec").has("tracks"))
                .as("tracks only with details")
                .isFalse();
        assertThat(asset.path("playbackUrl").asText())
                .isEqualTo(server.baseUrl() + "/asset/" + imported.playbackId() + "/index.m3u8");
        assertThat(asset.path("downloadUrl").asText()).startsWith(server.baseUrl() + "/asset/" + imported.playbackId());

        var detailed = alice.get("/api/asset/" + asset.path("id").asText() + "?details=1")
                .json();
        assertThat(detailed.path("videoSpec").path("tracks"))
                .extracting(t -> t.path("type").asText())
                .containsExactlyInAnyOrder("video", "audio");
    }

    @Test
    void givenAnImportEncoding_whenItsTaskIsCancelled_thenItsFfmpegIsGoneWithinTenSeconds() {
        var created = alice.post("/api/asset/upload/url", Map.of("name", "long", "url", files.url("/long.mp4")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String taskId = created.json().path("task").path("id").asText();
        var encoding = Await.until(
                () -> ffmpegChildrenWorkingOn(taskId),
                running -> !running.isEmpty(),
                PROCESSING,
                "ffmpeg to encode the import");

        var cancel = alice.post("/api/task/" + taskId + "/cancel");

        assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
        Await.until(
                () -> encoding.stream()
                        .filter(ProcessHandle::isAlive)
                        .map(ProcessHandle::pid)
                        .toList(),
                List::isEmpty,
                Duration.ofSeconds(10),
                "the ffmpeg processes of the cancelled import to be gone");
        Await.until(
                () -> ffmpegChildrenWorkingOn(taskId),
                List::isEmpty,
                Duration.ofSeconds(10),
                "no ffmpeg of the cancelled import left running");
        assertThat(alice.get("/api/task/" + taskId)
                        .json()
                        .path("status")
                        .path("phase")
                        .asText())
                .isEqualTo("cancelled");
    }

    /** The encodes of one task: their arguments name its work directory (not other tests' imports). */
    private static List<ProcessHandle> ffmpegChildrenWorkingOn(String taskId) {
        return FfmpegProcesses.naming(taskId + "-");
    }

    @Test
    void givenAnImportBeingPolled_whenItRuns_thenProgressNeverGoesBackwards() {
        var imported = readyAsset();

        assertThat(imported.taskProgress()).isNotEmpty().isSorted();
        assertThat(imported.assetProgress()).isNotEmpty().isSorted();
        assertThat(imported.taskProgress()).allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));
    }

    @Test
    void givenAReadyAsset_whenAPlayerFollowsItsPlaybackInfo_thenPlaylistsAndSegmentsAreReadableMedia(@TempDir Path dir)
            throws Exception {
        var imported = readyAsset();

        var info = server.anonymous().get("/api/playback/" + imported.playbackId());
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.header("Access-Control-Allow-Origin")).contains("*");
        var meta = info.json().path("meta");
        assertThat(info.json().path("type").asText()).isEqualTo("vod");
        assertThat(meta.path("live").isInt()).isTrue();
        assertThat(meta.path("live").asInt()).isZero();
        assertThat(meta.path("source")).extracting(s -> s.path("hrn").asText()).containsSubsequence("MP4", "HLS (TS)");

        String master = sourceUrl(meta, "HLS (TS)");
        assertThat(master).isEqualTo(imported.asset().path("playbackUrl").asText());
        var masterPlaylist = fetchText(master);
        assertThat(masterPlaylist).startsWith("#EXTM3U").contains("#EXT-X-STREAM-INF");
        String media = URI.create(master).resolve(firstUri(masterPlaylist)).toString();
        var mediaPlaylist = fetchText(media);
        assertThat(mediaPlaylist).contains("#EXTINF").contains("#EXT-X-ENDLIST");
        String segment = URI.create(media).resolve(firstUri(mediaPlaylist)).toString();
        var segmentBytes = fetchBytes(segment);
        assertThat(segmentBytes.statusCode()).isEqualTo(200);

        Path saved = Files.write(dir.resolve("segment.ts"), segmentBytes.body());
        var probed = SampleMedia.probe(saved.toString());
        assertThat(probed.path("streams"))
                .extracting(s -> s.path("codec_type").asText())
                .contains("video");
        assertThat(SampleMedia.probe(master).path("format").path("duration").asDouble())
                .isBetween(3.0, 5.0);
    }

    @Test
    void givenAReadyAssetsMp4_whenAskedForARangeOrAgainWithItsETag_thenItAnswers206And304WithCors() throws Exception {
        var imported = readyAsset();
        var info =
                server.anonymous().get("/api/playback/" + imported.playbackId()).json();
        String mp4 = sourceUrl(info.path("meta"), "MP4");

        var whole = fetchBytes(mp4);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Type")).contains("video/mp4");
        assertThat(whole.headers().firstValue("Accept-Ranges")).contains("bytes");
        assertThat(whole.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        byte[] all = whole.body();
        assertThat(all.length).isGreaterThan(2000);

        var part = send(HttpRequest.newBuilder(URI.create(mp4)).header("Range", "bytes=100-1099"));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).contains("bytes 100-1099/" + all.length);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(all, 100, 1100));

        var tail = send(HttpRequest.newBuilder(URI.create(mp4)).header("Range", "bytes=-500"));
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(all, all.length - 500, all.length));

        var beyond = send(HttpRequest.newBuilder(URI.create(mp4)).header("Range", "bytes=" + all.length + "-"));
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).contains("bytes */" + all.length);
        var absurd = send(HttpRequest.newBuilder(URI.create(mp4)).header("Range", "bytes=99999999999999999999-"));
        assertThat(absurd.statusCode()).isEqualTo(416);
        var open = send(HttpRequest.newBuilder(URI.create(mp4)).header("Range", "bytes=0-99999999999999999999"));
        assertThat(open.statusCode()).isEqualTo(206);
        assertThat(open.body()).isEqualTo(all);

        var head = send(HttpRequest.newBuilder(URI.create(mp4)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).contains(Integer.toString(all.length));
        assertThat(head.body()).isEmpty();

        String etag = whole.headers().firstValue("ETag").orElseThrow();
        var again = send(HttpRequest.newBuilder(URI.create(mp4)).header("If-None-Match", etag));
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();

        var preflight = send(HttpRequest.newBuilder(URI.create(mp4))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://player.example.com")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "range"));
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .contains("*");
        assertThat(preflight
                        .headers()
                        .firstValue("Access-Control-Allow-Headers")
                        .orElse(""))
                .containsIgnoringCase("range");
    }

    @Test
    void givenAnImportUnderWay_whenTheSameUrlIsImportedAgain_thenTheSameAssetAndTaskAnswer200() {
        String url = files.url("/slow/notes.mp4");
        var first = alice.post("/api/asset/upload/url", Map.of("name", "slow", "url", url));
        var second = alice.post("/api/asset/upload/url", Map.of("name", "slow again", "url", url));

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().path("asset").path("id"))
                .isEqualTo(first.json().path("asset").path("id"));
        assertThat(second.json().path("task").path("id"))
                .isEqualTo(first.json().path("task").path("id"));

        var bob = server.client(server.createUserKey("bob@example.com").key());
        var someoneElse = bob.post("/api/asset/upload/url", Map.of("name", "slow", "url", url));
        assertThat(someoneElse.status()).isEqualTo(201);
        assertThat(someoneElse.json().path("asset").path("id"))
                .isNotEqualTo(first.json().path("asset").path("id"));
    }

    @Test
    void givenASourceThatIsMissing_whenImported_thenTheTaskAndAssetFailSayingSo() {
        var failed = importUntilFinished(files.url("/missing.mp4"));
        assertFailedWith(failed, "404");
    }

    @Test
    void givenAHostThatRefusesConnections_whenImported_thenTheTaskAndAssetFailSayingSo() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        var failed = importUntilFinished("http://127.0.0.1:" + closedPort + "/video.mp4");
        assertFailedWith(failed, "cannot connect");
    }

    @Test
    void givenAFileThatIsNoVideo_whenImported_thenTheTaskAndAssetFailSayingSo() {
        var failed = importUntilFinished(files.url("/notes.mp4"));
        assertFailedWith(failed, "not a media file");
    }

    @Test
    void givenAReadyAsset_whenDeleted_thenItAnswers404AndItsFilesAreRemoved() {
        var imported = importUntilFinished(files.url("/video.mp4?copy=" + store));
        assertThat(imported.asset().path("status").path("phase").asText()).isEqualTo("ready");
        String id = imported.asset().path("id").asText();
        Path folder = server.dataDir().resolve("objects").resolve(imported.playbackId());
        assertThat(folder).isNotEmptyDirectory();

        var deleted = alice.delete("/api/asset/" + id);

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(alice.get("/api/asset/" + id).status()).isEqualTo(404);
        assertThat(alice.delete("/api/asset/" + id).status()).isEqualTo(404);
        assertThat(ids(alice.get("/api/asset?limit=1000").json())).doesNotContain(id);
        assertThat(server.anonymous()
                        .get("/api/playback/" + imported.playbackId())
                        .status())
                .isEqualTo(404);
        Await.until(
                () -> Files.exists(folder),
                exists -> !exists,
                Duration.ofSeconds(30),
                "the files of " + imported.playbackId() + " to be removed");
    }

    @Test
    void givenAnotherTenantsAsset_whenReadChangedOrDeleted_thenEveryVerbAnswers404AndListsHideIt() {
        var created = alice.post("/api/asset/request-upload", Map.of("name", "alice's"))
                .json();
        String id = created.path("asset").path("id").asText();
        var bob = server.client(server.createUserKey("bob@example.com").key());

        assertThat(bob.get("/api/asset/" + id).status()).isEqualTo(404);
        assertThat(bob.patch("/api/asset/" + id, Map.of("name", "mine now")).status())
                .isEqualTo(404);
        assertThat(bob.delete("/api/asset/" + id).status()).isEqualTo(404);
        assertThat(ids(bob.get("/api/asset?limit=1000").json())).doesNotContain(id);

        var still = alice.get("/api/asset/" + id);
        assertThat(still.status()).isEqualTo(200);
        assertThat(still.json().path("name").asText()).isEqualTo("alice's");
        assertThat(ids(alice.get("/api/asset?limit=1000").json())).contains(id);
    }

    @Test
    void givenAnAssetStillWaitingForItsFile_whenItsPlaybackInfoIsAsked_thenItIs422AndUnknownIdsAre404()
            throws Exception {
        var created = alice.post("/api/asset/request-upload", Map.of("name", "not yet"))
                .json();
        String playbackId = created.path("asset").path("playbackId").asText();

        var notReady = server.anonymous().get("/api/playback/" + playbackId);
        assertThat(notReady.status()).isEqualTo(422);
        assertThat(notReady.json().path("errors").get(0).asText()).contains("not ready");
        assertThat(server.anonymous().get("/api/playback/0000000000000000").status())
                .isEqualTo(404);
        assertThat(fetchBytes(server.baseUrl() + "/asset/0000000000000000/index.m3u8")
                        .statusCode())
                .isEqualTo(404);
        assertThat(fetchBytes(server.baseUrl() + "/asset/" + playbackId + "/index.m3u8")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void givenAnAsset_whenPatched_thenTheNewNameAndCreatorAreReadBack() {
        var created = alice.post("/api/asset/request-upload", Map.of("name", "before"))
                .json();
        String id = created.path("asset").path("id").asText();

        var patched = alice.patch("/api/asset/" + id, Map.of("name", "after", "creatorId", "creator-7"));

        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().path("name").asText()).isEqualTo("after");
        assertThat(patched.json().path("creatorId").path("value").asText()).isEqualTo("creator-7");
        assertThat(alice.get("/api/asset/" + id).json().path("name").asText()).isEqualTo("after");
    }

    @Test
    void givenExplicitNullsWhereTheSchemaAllowsThem_whenAnAssetIsCreatedAndPatched_thenNoNullIsReturned() {
        var created = alice.post("/api/asset/request-upload", """
                {"name": "nulls", "playbackPolicy": null, "profiles": null}""");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().path("asset").path("id").asText();

        var patched = alice.patch("/api/asset/" + id, """
                {"name": "still nulls", "playbackPolicy": null}""");

        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(alice.get("/api/asset/" + id).json().has("playbackPolicy")).isFalse();
    }

    @Test
    void givenInvalidPayloads_whenPosted_thenTheyAre422NamingTheField() {
        assertRejected(alice.post("/api/asset/upload/url", Map.of("url", files.url("/video.mp4"))), "name");
        assertRejected(alice.post("/api/asset/upload/url", Map.of("name", "no url")), "url");
        assertRejected(
                alice.post("/api/asset/upload/url", Map.of("name", "ftp", "url", "ftp://example.com/v.mp4")), "url");
        assertRejected(alice.post("/api/asset/upload/url", """
                {"name": "tiny", "url": "https://example.com/v.mp4",
                 "profiles": [{"name": "tiny", "width": 16, "height": 240, "bitrate": 400000}]}"""), "profiles[0].width");
        assertRejected(alice.post("/api/asset/upload/url", """
                {"name": "slow", "url": "https://example.com/v.mp4",
                 "profiles": [{"name": "p", "width": 320, "height": 240}]}"""), "profiles[0].bitrate");
        assertRejected(alice.post("/api/asset/upload/url", """
                {"name": "x", "url": "https://example.com/v.mp4", "colour": "red"}"""), "colour");
        assertRejected(alice.post("/api/asset/request-upload", Map.of("staticMp4", true)), "name");
        var created = alice.post("/api/asset/request-upload", Map.of("name", "patch me"))
                .json();
        assertRejected(
                alice.patch(
                        "/api/asset/" + created.path("asset").path("id").asText(),
                        Map.of("url", "https://example.com/v.mp4")),
                "url");
    }

    @Test
    void givenNoApiKey_whenAnyAssetEndpointIsCalled_thenItAnswers401() {
        var anonymous = server.anonymous();
        assertThat(anonymous
                        .post("/api/asset/upload/url", Map.of("name", "n", "url", "https://example.com/v.mp4"))
                        .status())
                .isEqualTo(401);
        assertThat(anonymous
                        .post("/api/asset/request-upload", Map.of("name", "n"))
                        .status())
                .isEqualTo(401);
        assertThat(anonymous.get("/api/asset").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/asset/some-id").status()).isEqualTo(401);
        assertThat(anonymous.patch("/api/asset/some-id", Map.of("name", "n")).status())
                .isEqualTo(401);
        assertThat(anonymous.delete("/api/asset/some-id").status()).isEqualTo(401);
    }

    private Imported readyAsset() {
        var imported = READY.computeIfAbsent(server, s -> importUntilFinished(files.url("/video.mp4")));
        assertThat(imported.task().path("status").path("phase").asText())
                .as("the import: %s", imported.task())
                .isEqualTo("completed");
        return imported;
    }

    /** Imports the URL as alice and polls task and asset until the task is finished, noting every progress. */
    private Imported importUntilFinished(String url) {
        var created = alice.post("/api/asset/upload/url", Map.of("name", "imported", "url", url));
        assertThat(created.status()).isEqualTo(201);
        String taskId = created.json().path("task").path("id").asText();
        String assetId = created.json().path("asset").path("id").asText();
        var taskProgress = new ArrayList<Double>();
        var assetProgress = new ArrayList<Double>();
        var task = Await.until(
                () -> {
                    var t = alice.get("/api/task/" + taskId).json();
                    var a = alice.get("/api/asset/" + assetId).json();
                    if (t.path("status").has("progress")) {
                        taskProgress.add(t.path("status").path("progress").asDouble());
                    }
                    if (a.path("status").has("progress")) {
                        assetProgress.add(a.path("status").path("progress").asDouble());
                    }
                    return t;
                },
                t -> List.of("completed", "failed", "cancelled")
                        .contains(t.path("status").path("phase").asText()),
                PROCESSING,
                "the import of " + url + " to finish");
        var asset = alice.get("/api/asset/" + assetId).json();
        return new Imported(created.json(), task, asset, taskProgress, assetProgress);
    }

    private static void assertFailedWith(Imported failed, String words) {
        var taskStatus = failed.task().path("status");
        assertThat(taskStatus.path("phase").asText()).isEqualTo("failed");
        assertThat(taskStatus.path("errorMessage").asText()).containsIgnoringCase(words);
        var assetStatus = failed.asset().path("status");
        assertThat(assetStatus.path("phase").asText()).isEqualTo("failed");
        assertThat(assetStatus.path("errorMessage").asText())
                .isEqualTo(taskStatus.path("errorMessage").asText());
    }

    private static void assertRejected(ApiClient.Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.json().path("errors").get(0).asText()).contains(field);
    }

    private static List<String> ids(JsonNode assets) {
        var ids = new ArrayList<String>();
        assets.forEach(a -> ids.add(a.path("id").asText()));
        return ids;
    }

    private static String hash(JsonNode asset, String algorithm) {
        for (var hash : asset.path("hash")) {
            if (hash.path("algorithm").asText().equals(algorithm)) {
                return hash.path("hash").asText();
            }
        }
        throw new AssertionError("no " + algorithm + " hash in " + asset.path("hash"));
    }

    private static String digest(String algorithm, Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(Files.readAllBytes(file)));
    }

    private static String sourceUrl(JsonNode meta, String hrn) {
        for (var source : meta.path("source")) {
            if (source.path("hrn").asText().equals(hrn)) {
                return source.path("url").asText();
            }
        }
        throw new AssertionError("no " + hrn + " source in " + meta);
    }

    private static String firstUri(String playlist) {
        return playlist.lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no URI in the playlist:\n" + playlist));
    }

    private static String fetchText(String url) throws Exception {
        var response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("mpegurl");
        return response.body();
    }

    private static HttpResponse<byte[]> fetchBytes(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)));
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
