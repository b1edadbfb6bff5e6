package dev.spool.asset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.storage.ObjectInfo;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.ObjectStores;
import dev.spool.storage.S3ProxyFixture;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.MediaHttpServer;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import dev.spool.testing.TestVideos;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * The whole asset journey with Spool's own files in an S3 bucket ({@code SPOOL_STORAGE_URL=s3+http://...}, as in a
 * cluster): import and direct upload write there, playback reads from there, deletion empties it.
 */
@Tag("media")
@BothStores
class AssetsOnS3Test {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "spool";
    private static final S3ProxyFixture s3 = started();
    private static final String BUCKET = s3.createBucket();

    @RegisterExtension
    static final SharedServers servers = new SharedServers(Map.of(
            "SPOOL_STORAGE_URL", s3.storageUrl(BUCKET) + "/" + PREFIX,
            "SPOOL_WORKERS", "1",
            "SPOOL_IMPORT_ALLOW_PRIVATE", "true",
            "SPOOL_X264_PRESET", "ultrafast",
            "SPOOL_CHUNK_PARALLEL", "1"));

    @TempDir
    static Path media;

    static Path video;
    static MediaHttpServer http;

    @Parameter
    Store store;

    TestServer server;
    String key;

    private static S3ProxyFixture started() {
        var fixture = new S3ProxyFixture();
        fixture.start();
        return fixture;
    }

    @BeforeAll
    static void makeMedia() {
        video = TestVideos.generate(media.resolve("clip.mp4"), 3);
        http = MediaHttpServer.serving(media);
    }

    @AfterAll
    static void stop() {
        http.close();
        s3.stop();
    }

    @BeforeEach
    void connect() {
        server = servers.on(store);
        key = server.createUserKey(UUID.randomUUID() + "@example.com").key();
    }

    @Test
    void givenFilesInS3_whenAVideoIsImportedPlayedAndDeleted_thenEachStepUsesTheBucket() {
        var created = send(
                "POST",
                "/api/asset/upload/url",
                "{\"name\": \"clip\", \"url\": \"" + http.url("clip.mp4") + "\", \"staticMp4\": true}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode asset = created.json().path("asset");

        String playbackId = awaitReady(asset.path("id").asText());

        assertThat(keys(playbackId)).contains(playbackId + "/index.m3u8");
        assertPlaysFromTheBucket(playbackId);

        var deleted = send("DELETE", "/api/asset/" + asset.path("id").asText(), null);
        assertThat(deleted.status()).isEqualTo(204);
        awaitEmpty(playbackId);
    }

    @Test
    void givenFilesInS3_whenAVideoIsUploadedDirectly_thenItIsStoredThereAndPlays() throws Exception {
        var requested = send("POST", "/api/asset/request-upload", "{\"name\": \"direct\"}");
        assertThat(requested.status()).as(requested.body()).isEqualTo(200);
        JsonNode body = requested.json();

        // Raw HTTP: the body is the video's bytes, which the JSON test client does not send.
        var put = HTTP.send(
                HttpRequest.newBuilder(URI.create(body.path("url").asText()))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(video)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

        String playbackId = awaitReady(body.path("asset").path("id").asText());
        assertPlaysFromTheBucket(playbackId);
    }

    /** Master, media playlist and segment over Spool's HTTP, byte for byte the bucket's; an MP4 byte range too. */
    private void assertPlaysFromTheBucket(String playbackId) {
        JsonNode sources = send("GET", "/api/playback/" + playbackId, null)
                .json()
                .path("meta")
                .path("source");
        String master = url(sources, "html5/application/vnd.apple.mpegurl");
        String mp4 = url(sources, "html5/video/mp4");

        String mediaPlaylist = resolve(master, firstUri(getText(master)));
        String segment = resolve(mediaPlaylist, firstUri(getText(mediaPlaylist)));
        var segmentResponse = get(segment, null);
        assertThat(segmentResponse.statusCode()).isEqualTo(200);
        assertThat(segmentResponse.body()).isEqualTo(object(keyOf(segment)));

        byte[] whole = object(keyOf(mp4));
        var range = get(mp4, "bytes=100-1099");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 100-1099/" + whole.length);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(whole, 100, 1100));
    }

    private String awaitReady(String assetId) {
        JsonNode asset = Await.until(
                () -> send("GET", "/api/asset/" + assetId, null).json(),
                a -> List.of("ready", "failed")
                        .contains(a.path("status").path("phase").asText()),
                Duration.ofMinutes(3),
                "asset " + assetId + " ready");
        assertThat(asset.path("status").path("phase").asText())
                .as("asset %s", asset)
                .isEqualTo("ready");
        return asset.path("playbackId").asText();
    }

    private void awaitEmpty(String playbackId) {
        Await.until(
                () -> keys(playbackId), List::isEmpty, Duration.ofSeconds(60), "files of " + playbackId + " removed");
    }

    private static List<String> keys(String playbackId) {
        try (ObjectStore bucket = bucket()) {
            return bucket.list(playbackId + "/").stream().map(ObjectInfo::key).toList();
        }
    }

    private static byte[] object(String key) {
        try (ObjectStore bucket = bucket();
                InputStream in = bucket.get(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Spool's files, seen the way Spool sees them: under its prefix in the bucket. */
    private static ObjectStore bucket() {
        return ObjectStores.open(s3.storageUrl(BUCKET) + "/" + PREFIX, media);
    }

    /** {@code http://host/asset/<playbackId>/<path>} is stored as {@code <playbackId>/<path>}. */
    private static String keyOf(String fileUrl) {
        return URI.create(fileUrl).getPath().substring("/asset/".length());
    }

    private static String url(JsonNode sources, String type) {
        for (JsonNode source : sources) {
            if (source.path("type").asText().equals(type)) {
                return source.path("url").asText();
            }
        }
        throw new AssertionError("no " + type + " source in " + sources);
    }

    private static String firstUri(String playlist) {
        return playlist.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no URI in " + playlist));
    }

    private static String resolve(String base, String relative) {
        return URI.create(base).resolve(relative).toString();
    }

    private static String getText(String url) {
        var response = get(url, null);
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** Raw HTTP: playlists, segments and byte ranges are bytes to compare, not JSON. */
    private static HttpResponse<byte[]> get(String url, String range) {
        var request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (range != null) {
            request.header("Range", range);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private ApiClient.Response send(String method, String path, String json) {
        return server.client(key).send(method, path, json == null ? null : "application/json", json);
    }
}
