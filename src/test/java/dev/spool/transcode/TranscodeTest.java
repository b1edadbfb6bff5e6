package dev.spool.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.spool.c2pa.ReferenceReader;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.ObjectStores;
import dev.spool.storage.S3ProxyFixture;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.CapturedOutput;
import dev.spool.testing.MediaHttpServer;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import dev.spool.testing.TestVideos;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * {@code POST /api/transcode} end to end: a real Spool with one worker, a real s3proxy for the user's buckets, real
 * ffmpeg, and ffprobe reading back what landed in the bucket.
 */
@Tag("media")
// Encoding with ffmpeg on a loaded 2-core machine: more than the 5 minutes every other test gets.
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@BothStores
class TranscodeTest {
    @RegisterExtension
    static final S3ProxyFixture s3 = new S3ProxyFixture();

    @RegisterExtension
    static final SharedServers servers = new SharedServers(Map.of(
            "SPOOL_WORKERS", "1",
            "SPOOL_IMPORT_ALLOW_PRIVATE", "true",
            "SPOOL_X264_PRESET", "ultrafast",
            "SPOOL_CHUNK_PARALLEL", "1"));

    private static final String ENCODED_SECRET = URLEncoder.encode(S3ProxyFixture.SECRET_KEY, StandardCharsets.UTF_8);

    @TempDir
    static Path media;

    static Path video;
    static MediaHttpServer http;
    static CapturedOutput output;

    @Parameter
    Store store;

    TestServer server;
    ApiClient user;

    @BeforeAll
    static void makeMedia() {
        // Starts before any server, so that nothing a server ever says escapes the credential checks.
        output = CapturedOutput.start();
        video = TestVideos.generate(media.resolve("clip.mp4"), 3);
        http = MediaHttpServer.serving(media);
    }

    @AfterAll
    static void stop() {
        http.close();
        output.close();
    }

    @BeforeEach
    void connect() {
        server = servers.on(store);
        user = server.client(server.createUserKey("transcoder@example.com").key());
    }

    @Test
    void givenAnS3InputAndS3Storage_whenTranscodedToHlsAndMp4_thenEveryOutputIsInTheBucketAndPlayable() {
        String in = s3.createBucket();
        String out = s3.createBucket();
        put(in, "in/clip one.mp4", video);

        var created = user.post(
                "/api/transcode",
                Map.of(
                        "input",
                                Map.of(
                                        "type",
                                        "s3",
                                        "endpoint",
                                        s3.endpoint().toString(),
                                        "bucket",
                                        in,
                                        "path",
                                        "in/clip one.mp4",
                                        "credentials",
                                        credentials(S3ProxyFixture.SECRET_KEY)),
                        "storage", s3Storage(out, S3ProxyFixture.SECRET_KEY),
                        "outputs", Map.of("hls", Map.of("path", "out/hls"), "mp4", Map.of("path", "/out/mp4")),
                        "profiles", List.of(Map.of("name", "240p0", "width", 320, "height", 240, "bitrate", 400_000))));

        assertThat(created.status()).isEqualTo(200);
        JsonNode task = created.json();
        assertThat(task.path("type").asText()).isEqualTo("transcode-file");
        assertThat(task.path("status").path("phase").asText()).isEqualTo("waiting");
        JsonNode params = task.path("params").path("transcode-file");
        assertThat(params.path("input").path("url").asText())
                .isEqualTo("s3+http://***:***@127.0.0.1:" + s3.port() + "/" + in + "/in/clip%20one.mp4");
        assertThat(params.path("storage").path("url").asText())
                .isEqualTo("s3+http://***:***@127.0.0.1:" + s3.port() + "/" + out);
        assertThat(params.path("outputs").path("hls").path("path").asText()).isEqualTo("/out/hls");
        assertThat(params.path("outputs").path("mp4").path("path").asText()).isEqualTo("/out/mp4");
        String id = task.path("id").asText();
        assertThat(storedParams(id))
                .as("params stored while the task can run")
                .contains("\"sealed\":\"v1.")
                .satisfies(this::holdsNoSecret);

        JsonNode done = awaitEnd(id);

        assertThat(done.path("status").path("phase").asText()).as("%s", done).isEqualTo("completed");
        JsonNode result = done.path("output").path("transcodeFile");
        assertThat(result.path("hls").path("path").asText()).isEqualTo("/out/hls/index.m3u8");
        assertThat(result.path("mp4")).hasSize(1);
        assertThat(result.path("mp4").get(0).path("path").asText()).isEqualTo("/out/mp4/static240p0.mp4");
        assertThat(result.path("input_video").path("size").asLong()).isEqualTo(size(video));
        assertThat(result.path("input_video").path("duration").asDouble()).isBetween(2.5, 3.5);
        Path copy = download(out);
        assertPlayableHls(copy.resolve("out/hls/index.m3u8"));
        assertThat(TestVideos.streams(copy.resolve("out/mp4/static240p0.mp4"))).containsExactly("video", "audio");
        assertThat(storedParams(id))
                .as("params stored after the task ended")
                .doesNotContain("sealed")
                .satisfies(this::holdsNoSecret);
        assertThat(user.get("/api/task/" + id).body()).satisfies(this::holdsNoSecret);
        assertThat(output.text()).as("the server's output").satisfies(this::holdsNoSecret);
    }

    @Test
    void givenC2paTrue_whenTranscodedToMp4_thenEveryMp4InTheBucketCarriesAManifestTheReferenceReaderValidates()
            throws Exception {
        String out = s3.createBucket();

        var created = user.post(
                "/api/transcode",
                Map.of(
                        "input",
                        Map.of("url", http.url("clip.mp4")),
                        "storage",
                        Map.of("url", s3.storageUrl(out)),
                        "outputs",
                        Map.of("mp4", Map.of("path", "signed")),
                        "creatorId",
                        "creator-3",
                        "c2pa",
                        true));

        assertThat(created.status()).as(created.body()).isEqualTo(200);
        JsonNode done = awaitEnd(created.json().path("id").asText());
        assertThat(done.path("status").path("phase").asText()).as("%s", done).isEqualTo("completed");
        Path copy = download(out);
        JsonNode mp4s = done.path("output").path("transcodeFile").path("mp4");
        assertThat(mp4s.size()).isPositive();
        for (JsonNode mp4 : mp4s) {
            JsonNode store =
                    ReferenceReader.read(copy.resolve(mp4.path("path").asText().substring(1)), "video/mp4");
            var manifest =
                    store.path("manifests").path(store.path("active_manifest").asText());
            assertThat(store.path("validation_state").asText())
                    .as(store.toString())
                    .isEqualTo("Valid");
            assertThat(store.path("validation_status").findValuesAsText("code"))
                    .containsExactly("signingCredential.untrusted");
            assertThat(manifest.path("assertions").findValuesAsText("action")).containsExactly("c2pa.transcoded");
            assertThat(manifest.path("ingredients").path(0).path("title").asText())
                    .isEqualTo("clip.mp4");
            assertThat(manifest.path("assertions").findValuesAsText("name")).contains("creator-3");
        }
    }

    @Test
    void givenAnHttpInput_whenTranscodedToS3WithTheDefaultLadder_thenEveryOutputIsInTheBucketAndPlayable() {
        String out = s3.createBucket();

        var created = user.post(
                "/api/transcode",
                Map.of(
                        "input", Map.of("url", http.url("clip.mp4")),
                        "storage", Map.of("url", s3.storageUrl(out) + "/users/7"),
                        "outputs", Map.of("hls", Map.of("path", "videos/hls"), "mp4", Map.of("path", "videos/mp4"))));

        assertThat(created.status()).isEqualTo(200);
        assertThat(created.json()
                        .path("params")
                        .path("transcode-file")
                        .path("input")
                        .path("url")
                        .asText())
                .isEqualTo(http.url("clip.mp4"));
        JsonNode done = awaitEnd(created.json().path("id").asText());

        assertThat(done.path("status").path("phase").asText()).as("%s", done).isEqualTo("completed");
        JsonNode result = done.path("output").path("transcodeFile");
        assertThat(result.path("hls").path("path").asText()).isEqualTo("/users/7/videos/hls/index.m3u8");
        Path copy = download(out);
        assertPlayableHls(copy.resolve("users/7/videos/hls/index.m3u8"));
        assertThat(result.path("mp4").size()).isPositive();
        for (JsonNode mp4 : result.path("mp4")) {
            assertThat(mp4.path("path").asText())
                    .startsWith("/users/7/videos/mp4/static")
                    .endsWith(".mp4");
            assertThat(TestVideos.streams(copy.resolve(mp4.path("path").asText().substring(1))))
                    .containsExactly("video", "audio");
        }
    }

    @Test
    void givenTwoRenditions_whenTranscodedToHlsMp4AndFmp4_thenTheFmp4LadderRemuxesTheHlsOneAndLastsAsLongAsTheSource() {
        String out = s3.createBucket();

        var created = user.post(
                "/api/transcode",
                Map.of(
                        "input", Map.of("url", http.url("clip.mp4")),
                        "storage", s3Storage(out, S3ProxyFixture.SECRET_KEY),
                        "outputs",
                                Map.of(
                                        "hls",
                                        Map.of("path", "/v/hls"),
                                        "mp4",
                                        Map.of("path", "/v/mp4"),
                                        "fmp4",
                                        Map.of("path", "v/fmp4")),
                        "profiles",
                                List.of(
                                        Map.of("name", "240p0", "width", 320, "height", 240, "bitrate", 400_000),
                                        Map.of("name", "144p0", "width", 192, "height", 144, "bitrate", 200_000))));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json()
                        .path("params")
                        .path("transcode-file")
                        .path("outputs")
                        .path("fmp4")
                        .path("path")
                        .asText())
                .isEqualTo("/v/fmp4");
        JsonNode done = awaitEnd(created.json().path("id").asText());

        assertThat(done.path("status").path("phase").asText()).as("%s", done).isEqualTo("completed");
        JsonNode result = done.path("output").path("transcodeFile");
        assertThat(result.path("hls").path("path").asText()).isEqualTo("/v/hls/index.m3u8");
        assertThat(result.path("fmp4").path("path").asText()).isEqualTo("/v/fmp4/index.m3u8");
        assertThat(result.path("mp4")).hasSize(2);
        double sourceSeconds = result.path("input_video").path("duration").asDouble();
        Path copy = download(out);
        Path master = copy.resolve("v/fmp4/index.m3u8");
        assertThat(uris(master)).containsExactlyElementsOf(uris(copy.resolve("v/hls/index.m3u8")));
        for (String playlist : uris(master)) {
            Path mediaPlaylist = master.resolveSibling(playlist);
            List<String> lines = lines(mediaPlaylist);
            assertThat(lines).as(playlist).contains("#EXT-X-MAP:URI=\"init.mp4\"", "#EXT-X-ENDLIST");
            assertThat(mediaPlaylist.resolveSibling("init.mp4")).exists();
            List<String> segments = uris(mediaPlaylist);
            assertThat(segments).as("segments of %s", playlist).isNotEmpty().allMatch(uri -> uri.endsWith(".m4s"));
            segments.forEach(
                    segment -> assertThat(mediaPlaylist.resolveSibling(segment)).exists());
            assertThat(segments)
                    .as("one fMP4 segment for each MPEG-TS one of %s", playlist)
                    .hasSameSizeAs(uris(copy.resolve("v/hls").resolve(playlist)));
            assertThat(totalDuration(lines)).as("length of %s", playlist).isCloseTo(sourceSeconds, within(0.5));
            assertThat(TestVideos.streams(mediaPlaylist)).as(playlist).containsOnly("video", "audio");
        }
        assertThat(TestVideos.streams(master)).contains("video", "audio");
    }

    @Test
    void givenAWrongSecretForTheStorage_whenRun_thenItFailsAtOnceNamingTheBucketAndTheError() {
        String out = s3.createBucket();

        var created = user.post(
                "/api/transcode",
                Map.of(
                        "input", Map.of("url", http.url("clip.mp4")),
                        "storage", s3Storage(out, "not-the-secret"),
                        "outputs", Map.of("hls", Map.of("path", "/hls"))));
        JsonNode done = awaitEnd(created.json().path("id").asText());

        assertThat(done.path("status").path("phase").asText()).isEqualTo("failed");
        assertThat(done.path("status").path("retries").asInt()).as("retries").isZero();
        assertThat(done.path("status").path("errorMessage").asText())
                .contains("'" + out + "'")
                .contains("SignatureDoesNotMatch")
                .doesNotContain("not-the-secret");
        assertThat(listKeys(out)).isEmpty();
    }

    @Test
    void givenAWrongSecretForTheInput_whenRun_thenItFailsAtOnceNamingTheBucketAndTheError() {
        String in = s3.createBucket();
        put(in, "clip.mp4", video);

        var created = user.post(
                "/api/transcode",
                Map.of(
                        "input",
                                Map.of(
                                        "type",
                                        "s3",
                                        "endpoint",
                                        s3.endpoint().toString(),
                                        "bucket",
                                        in,
                                        "path",
                                        "/clip.mp4",
                                        "credentials",
                                        credentials("not-the-secret")),
                        "storage", s3Storage(s3.createBucket(), S3ProxyFixture.SECRET_KEY),
                        "outputs", Map.of("mp4", Map.of("path", "/mp4"))));
        JsonNode done = awaitEnd(created.json().path("id").asText());

        assertThat(done.path("status").path("phase").asText()).isEqualTo("failed");
        assertThat(done.path("status").path("retries").asInt()).as("retries").isZero();
        assertThat(done.path("status").path("errorMessage").asText())
                .contains(in)
                .contains("SignatureDoesNotMatch")
                .doesNotContain("not-the-secret");
    }

    @Test
    void givenStorageThatRefusesThePermission_whenRun_thenItFailsAtOnceNamingTheBucketAndAccessDenied()
            throws IOException {
        // An S3 endpoint whose policy allows these keys nothing: every request is answered 403 AccessDenied.
        var refusing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        refusing.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                byte[] error = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                                + "<Message>Access Denied</Message><RequestId>denied-1</RequestId></Error>")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/xml");
                exchange.sendResponseHeaders(403, "HEAD".equals(exchange.getRequestMethod()) ? -1 : error.length);
                if (!"HEAD".equals(exchange.getRequestMethod())) {
                    exchange.getResponseBody().write(error);
                }
            }
        });
        refusing.start();
        try {
            var created = user.post(
                    "/api/transcode",
                    Map.of(
                            "input", Map.of("url", http.url("clip.mp4")),
                            "storage",
                                    Map.of(
                                            "type",
                                            "s3",
                                            "bucket",
                                            "locked-down",
                                            "endpoint",
                                            "http://127.0.0.1:"
                                                    + refusing.getAddress().getPort(),
                                            "credentials",
                                            credentials(S3ProxyFixture.SECRET_KEY)),
                            "outputs", Map.of("hls", Map.of("path", "/hls"))));
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            JsonNode done = awaitEnd(created.json().path("id").asText());

            assertThat(done.path("status").path("phase").asText()).isEqualTo("failed");
            assertThat(done.path("status").path("retries").asInt())
                    .as("retries")
                    .isZero();
            assertThat(done.path("status").path("errorMessage").asText())
                    .contains("'locked-down'")
                    .contains("AccessDenied");
        } finally {
            refusing.stop(0);
        }
    }

    @Test
    void givenAFailedTranscode_whenRetried_thenItFailsSayingItsCredentialsWereErased() {
        var created = user.post(
                "/api/transcode",
                Map.of(
                        "input", Map.of("url", http.url("clip.mp4")),
                        "storage", s3Storage("no-such-bucket", S3ProxyFixture.SECRET_KEY),
                        "outputs", Map.of("hls", Map.of("path", "/hls"))));
        String id = created.json().path("id").asText();
        assertThat(awaitEnd(id).path("status").path("errorMessage").asText())
                .contains("'no-such-bucket'")
                .contains("NoSuchBucket");

        assertThat(user.post("/api/task/" + id + "/retry").status()).isEqualTo(200);
        JsonNode again = awaitEnd(id);

        assertThat(again.path("status").path("phase").asText()).isEqualTo("failed");
        assertThat(again.path("status").path("errorMessage").asText()).contains("credentials were erased");
    }

    /** Every file the master playlist names, and every segment those name, is there; ffprobe reads the whole. */
    private static void assertPlayableHls(Path master) {
        assertThat(master).exists();
        List<String> playlists = uris(master);
        assertThat(playlists).isNotEmpty();
        for (String playlist : playlists) {
            Path mediaPlaylist = master.resolveSibling(playlist);
            List<String> segments = uris(mediaPlaylist);
            assertThat(segments).as("segments of %s", playlist).isNotEmpty();
            segments.forEach(
                    segment -> assertThat(mediaPlaylist.resolveSibling(segment)).exists());
        }
        assertThat(TestVideos.streams(master)).contains("video", "audio");
    }

    private static List<String> uris(Path playlist) {
        return lines(playlist).stream()
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();
    }

    /** The sum of a media playlist's {@code #EXTINF} durations. */
    private static double totalDuration(List<String> lines) {
        return lines.stream()
                .filter(line -> line.startsWith("#EXTINF:"))
                .mapToDouble(line ->
                        Double.parseDouble(line.substring("#EXTINF:".length()).split(",")[0]))
                .sum();
    }

    private static List<String> lines(Path playlist) {
        try {
            return Files.readAllLines(playlist).stream().map(String::strip).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void holdsNoSecret(String text) {
        assertThat(text)
                .doesNotContain(S3ProxyFixture.SECRET_KEY)
                .doesNotContain(ENCODED_SECRET)
                .doesNotContain(S3ProxyFixture.ACCESS_KEY);
    }

    private JsonNode awaitEnd(String id) {
        return Await.until(
                () -> user.get("/api/task/" + id).json(),
                task -> Set.of("completed", "failed", "cancelled")
                        .contains(task.path("status").path("phase").asText()),
                Duration.ofMinutes(3),
                "task " + id + " to end");
    }

    private String storedParams(String id) {
        return server.server()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT params FROM tasks WHERE id = :id")
                        .bind("id", id)
                        .mapTo(String.class)
                        .one());
    }

    private static Map<String, Object> s3Storage(String bucket, String secret) {
        return Map.of(
                "type",
                "s3",
                "endpoint",
                s3.endpoint().toString(),
                "bucket",
                bucket,
                "credentials",
                credentials(secret));
    }

    private static Map<String, String> credentials(String secret) {
        var keys = new LinkedHashMap<String, String>();
        keys.put("accessKeyId", S3ProxyFixture.ACCESS_KEY);
        keys.put("secretAccessKey", secret);
        return keys;
    }

    private static void put(String bucket, String key, Path file) {
        try (ObjectStore store = ObjectStores.open(s3.location(bucket))) {
            store.put(key, file, "video/mp4");
        }
    }

    private static List<String> listKeys(String bucket) {
        try (ObjectStore store = ObjectStores.open(s3.location(bucket))) {
            return store.list("").stream().map(info -> info.key()).toList();
        }
    }

    /** The whole bucket, copied into a fresh local directory under the same keys. */
    private static Path download(String bucket) {
        try (ObjectStore store = ObjectStores.open(s3.location(bucket))) {
            Path dir = Files.createTempDirectory(media, bucket);
            var keys = new ArrayList<String>();
            for (var info : store.list("")) {
                Path target = dir.resolve(info.key());
                Files.createDirectories(target.getParent());
                try (InputStream in = store.get(info.key())) {
                    Files.copy(in, target);
                }
                keys.add(info.key());
            }
            assertThat(keys).isNotEmpty();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
