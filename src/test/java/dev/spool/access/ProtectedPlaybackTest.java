package dev.spool.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.media.SampleMedia;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * A {@code jwt} asset's files (playlists, segments, MP4s, thumbnails, the source) over real HTTP, on both stores:
 * refused without a valid token, each refusal saying why, served with one, and playlists that hand the token on.
 */
@BothStores
class ProtectedPlaybackTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration PROCESSING = Duration.ofSeconds(120);
    private static final Map<Store, Gated> GATED = new EnumMap<>(Store.class);
    static Path video;

    @RegisterExtension
    static final SharedServers servers =
            new SharedServers(Map.of("SPOOL_WORKERS", "1", "SPOOL_X264_PRESET", "ultrafast"));

    @Parameter
    Store store;

    TestServer server;
    Gated gated;

    /** A ready asset under a jwt policy, its owner and the owner's signing key. */
    record Gated(ApiClient owner, JsonNode key, String assetId, String playbackId, List<String> files) {}

    @BeforeAll
    static void generateMedia(@TempDir Path dir) {
        video = SampleMedia.mp4(dir, "gated.mp4", 4, "320x240");
    }

    @BeforeEach
    void prepare() throws Exception {
        server = servers.on(store);
        synchronized (GATED) {
            if (!GATED.containsKey(store)) {
                GATED.put(store, gate(server));
            }
        }
        gated = GATED.get(store);
    }

    private static Gated gate(TestServer server) throws Exception {
        var owner = server.client(server.createUserKey("gated-" + UUID.randomUUID() + "@example.com")
                .key());
        var key = owner.post("/api/access-control/signing-key", Map.of("name", "player"))
                .json();
        var asset = readyAsset(owner, Map.of("type", "jwt"));
        String playbackId = asset.path("playbackId").asText();
        var files = new ArrayList<String>();
        for (JsonNode source : server.anonymous()
                .get("/api/playback/" + playbackId)
                .json()
                .path("meta")
                .path("source")) {
            files.add(source.path("url").asText());
        }
        String master = asset.path("playbackUrl").asText();
        String media = master.replace("index.m3u8", "")
                + firstUri(
                        fetch(master + "?jwt=" + PlaybackTokens.mint(key, playbackId, Duration.ofMinutes(5)), Map.of())
                                .body());
        files.add(media);
        files.add(media.substring(0, media.lastIndexOf('/') + 1)
                + firstUri(
                        fetch(media + "?jwt=" + PlaybackTokens.mint(key, playbackId, Duration.ofMinutes(5)), Map.of())
                                .body()));
        files.add(asset.path("downloadUrl").asText());
        return new Gated(owner, key, asset.path("id").asText(), playbackId, files);
    }

    static JsonNode readyAsset(ApiClient owner, Map<String, Object> policy) throws Exception {
        var requested = owner.post("/api/asset/request-upload", Map.of("name", "gated", "playbackPolicy", policy));
        assertThat(requested.status()).as(requested.body()).isEqualTo(200);
        var put = HTTP.send(
                HttpRequest.newBuilder(URI.create(requested.json().path("url").asText()))
                        .PUT(HttpRequest.BodyPublishers.ofFile(video))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        String id = requested.json().path("asset").path("id").asText();
        var asset = Await.until(
                () -> owner.get("/api/asset/" + id).json(),
                a -> List.of("ready", "failed")
                        .contains(a.path("status").path("phase").asText()),
                PROCESSING,
                "the asset to be processed");
        assertThat(asset.path("status").path("phase").asText())
                .as(asset.toString())
                .isEqualTo("ready");
        return asset;
    }

    /** The first child URL of a playlist, without the grant it was served with. */
    private static String firstUri(String playlist) {
        return playlist.lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .findFirst()
                .orElseThrow()
                .split("\\?")[0];
    }

    static HttpResponse<String> fetch(String url, Map<String, String> headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token() {
        return PlaybackTokens.mint(gated.key(), gated.playbackId(), Duration.ofMinutes(5));
    }

    private static String with(String url, String token) {
        return url + (url.contains("?") ? "&" : "?") + "jwt=" + token;
    }

    private void assertEveryFileRefused(String token, int status, String reason) throws Exception {
        for (String file : gated.files()) {
            var response = fetch(token == null ? file : with(file, token), Map.of());
            assertThat(response.statusCode()).as(file + ": " + response.body()).isEqualTo(status);
            assertThat(response.body()).as(file).contains(reason);
        }
    }

    @Test
    void givenAJwtAsset_whenAFileIsFetchedWithoutAToken_thenItIsRefusedWith401SayingATokenIsNeeded() throws Exception {
        assertThat(gated.files()).hasSizeGreaterThanOrEqualTo(5);

        assertEveryFileRefused(null, 401, "needs a playback token");
    }

    @Test
    void givenAJwtAsset_whenItsPlaybackInfoIsRead_thenItCarriesThePolicySoAPlayerKnowsToAttachAToken() {
        var info = server.anonymous().get("/api/playback/" + gated.playbackId());

        assertThat(info.status()).as(info.body()).isEqualTo(200);
        assertThat(info.json().path("meta").path("playbackPolicy").path("type").asText())
                .isEqualTo("jwt");
    }

    @Test
    void givenAJwtAsset_whenEveryFileIsFetchedWithAToken_inTheQueryOrTheHeader_thenItIsServed() throws Exception {
        String token = token();
        for (String file : gated.files()) {
            var byQuery = fetch(with(file, token), Map.of());
            var byHeader = fetch(file, Map.of(PlaybackGate.JWT_HEADER, token));

            assertThat(byQuery.statusCode()).as(file + ": " + byQuery.body()).isIn(200);
            assertThat(byHeader.statusCode()).as(file + ": " + byHeader.body()).isIn(200);
            assertThat(byQuery.headers().firstValue("Cache-Control").orElse("")).startsWith("private");
        }
    }

    @Test
    void givenAJwtAsset_whenItsPlaylistsAreFetchedWithAToken_thenEveryChildUrlCarriesIt() throws Exception {
        String token = token();
        String master = fetch(
                        with(
                                gated.files().stream()
                                        .filter(f -> f.endsWith("/index.m3u8"))
                                        .findFirst()
                                        .orElseThrow(),
                                token),
                        Map.of())
                .body();
        var children =
                master.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();

        assertThat(children).isNotEmpty().allSatisfy(uri -> assertThat(uri).endsWith("?jwt=" + token));
        var answer = fetch(
                with(
                        gated.files().stream()
                                .filter(f -> f.endsWith("/index.m3u8"))
                                .findFirst()
                                .orElseThrow(),
                        token),
                Map.of());
        assertThat(answer.headers().firstValue("ETag")).isEmpty();
        assertThat(answer.headers().firstValue("Content-Length"))
                .contains(Integer.toString(answer.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
        String masterUrl = gated.files().stream()
                .filter(f -> f.endsWith("/index.m3u8"))
                .findFirst()
                .orElseThrow();
        String media = fetch(masterUrl.replace("index.m3u8", "") + children.get(0), Map.of())
                .body();
        assertThat(media.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList())
                .isNotEmpty()
                .allSatisfy(uri -> assertThat(uri).endsWith("?jwt=" + token));
        assertThat(media.lines().filter(l -> l.contains("URI=\"")).toList())
                .allSatisfy(line -> assertThat(line).contains("?jwt=" + token + "\""));
    }

    @Test
    void givenOnlyTheMasterUrlWithItsToken_whenFfmpegReadsIt_thenEveryRenditionIsRead() {
        String master = with(
                gated.files().stream()
                        .filter(f -> f.endsWith("/index.m3u8"))
                        .findFirst()
                        .orElseThrow(),
                token());

        var probe = SampleMedia.probe(master);
        String problems = SampleMedia.decodeEverything(master);

        long renditions = fetchQuietly(master)
                .lines()
                .filter(l -> l.startsWith("#EXT-X-STREAM-INF"))
                .count();
        long videoStreams = 0;
        for (JsonNode stream : probe.path("streams")) {
            videoStreams += stream.path("codec_type").asText().equals("video") ? 1 : 0;
        }
        assertThat(videoStreams).isEqualTo(renditions);
        assertThat(problems).isEmpty();
    }

    private static String fetchQuietly(String url) {
        try {
            return fetch(url, Map.of()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void givenAnExpiredToken_thenEveryFileIsRefusedSayingItExpired() throws Exception {
        String expired = PlaybackTokens.mint(
                gated.key(),
                PlaybackTokens.claims(
                        gated.key(), gated.playbackId(), Instant.now().minusSeconds(10)));

        assertEveryFileRefused(expired, 403, "expired");
    }

    @Test
    void givenATokenForAnotherVideo_thenEveryFileIsRefusedSayingSo() throws Exception {
        String other = PlaybackTokens.mint(gated.key(), "abcd000000000000", Duration.ofMinutes(5));

        assertEveryFileRefused(other, 403, "for another video");
    }

    @Test
    void givenATamperedToken_thenEveryFileIsRefusedForItsSignature() throws Exception {
        String[] parts = token().split("\\.");
        var claims = PlaybackTokens.claims(
                gated.key(), gated.playbackId(), Instant.now().plusSeconds(86_400 * 365));
        String forged = parts[0] + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(claims))
                + "." + parts[2];

        assertEveryFileRefused(forged, 403, "signature is invalid");
        assertEveryFileRefused("not.a-token", 403, "not an ES256 JWT");
    }

    @Test
    void givenATokenFromAnotherOwnersKey_thenEveryFileIsRefusedSayingTheKeyIsNotTheOwners() throws Exception {
        var stranger = server.client(server.createUserKey("stranger-" + UUID.randomUUID() + "@example.com")
                .key());
        var strangersKey = stranger.post("/api/access-control/signing-key", Map.of("name", "theirs"))
                .json();

        assertEveryFileRefused(
                PlaybackTokens.mint(strangersKey, gated.playbackId(), Duration.ofMinutes(5)),
                403,
                "not one of this video's owner's signing keys");
    }

    @Test
    void givenATokenFromADisabledKey_thenItIsRefusedUntilTheKeyIsEnabledAgain() throws Exception {
        var key = gated.owner()
                .post("/api/access-control/signing-key", Map.of("name", "rotating"))
                .json();
        String token = PlaybackTokens.mint(key, gated.playbackId(), Duration.ofMinutes(5));
        String master = gated.files().stream()
                .filter(f -> f.endsWith("/index.m3u8"))
                .findFirst()
                .orElseThrow();
        assertThat(fetch(with(master, token), Map.of()).statusCode()).isEqualTo(200);
        String keyUrl = "/api/access-control/signing-key/" + key.path("id").asText();

        assertThat(gated.owner().patch(keyUrl, Map.of("disabled", true)).status())
                .isEqualTo(204);
        assertEveryFileRefused(token, 403, "is disabled");

        assertThat(gated.owner().patch(keyUrl, Map.of("disabled", false)).status())
                .isEqualTo(204);
        assertThat(fetch(with(master, token), Map.of()).statusCode()).isEqualTo(200);
        assertThat(gated.owner().delete(keyUrl).status()).isEqualTo(204);
        assertEveryFileRefused(token, 403, "not one of this video's owner's signing keys");
    }

    @Test
    void givenAPublicAsset_whenPatchedToJwt_thenItsFilesNeedATokenAndPatchedBackTheyDoNot() throws Exception {
        String master = gated.files().stream()
                .filter(f -> f.endsWith("/index.m3u8"))
                .findFirst()
                .orElseThrow();
        String url = "/api/asset/" + gated.assetId();
        try {
            var opened = gated.owner().patch(url, Map.of("playbackPolicy", Map.of("type", "public")));
            assertThat(opened.status()).as(opened.body()).isEqualTo(200);
            var plain = fetch(master, Map.of());
            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(plain.body()).doesNotContain("jwt=");
            assertThat(plain.headers().firstValue("Cache-Control").orElse("")).startsWith("public");
        } finally {
            var closed = gated.owner().patch(url, Map.of("playbackPolicy", Map.of("type", "jwt")));
            assertThat(closed.status()).as(closed.body()).isEqualTo(200);
            assertThat(closed.json().path("playbackPolicy").path("type").asText())
                    .isEqualTo("jwt");
        }
        assertThat(fetch(master, Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void givenAPlaybackPolicyThatIsNotUnderstood_thenTheAssetIsRefusedNamingTheField() {
        var unknownType = gated.owner()
                .post("/api/asset/request-upload", Map.of("name", "x", "playbackPolicy", Map.of("type", "paywall")));
        var unknownField = gated.owner()
                .post(
                        "/api/asset/request-upload",
                        Map.of("name", "x", "playbackPolicy", Map.of("type", "jwt", "secret", "x")));
        var badOrigin = gated.owner()
                .patch(
                        "/api/asset/" + gated.assetId(),
                        Map.of(
                                "playbackPolicy",
                                Map.of("type", "jwt", "allowedOrigins", List.of("https://example.com/path"))));

        assertThat(unknownType.status()).isEqualTo(422);
        assertThat(unknownType.body()).contains("playbackPolicy.type");
        assertThat(unknownField.status()).isEqualTo(422);
        assertThat(unknownField.body()).contains("playbackPolicy.secret");
        assertThat(badOrigin.status()).isEqualTo(422);
        assertThat(badOrigin.body()).contains("playbackPolicy.allowedOrigins[0]");
    }
}
