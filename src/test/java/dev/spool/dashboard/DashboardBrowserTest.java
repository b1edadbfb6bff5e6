package dev.spool.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.testing.ApiClient;
import dev.spool.testing.FileServer;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import dev.spool.testing.TestVideos;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real headless Chromium against a server with workers: every flow a user needs, driven
 * through the page only, and the page's screenshots at desktop and phone width in target/screenshots.
 */
class DashboardBrowserTest {
    private static final Duration PROCESSING = Duration.ofMinutes(3);
    private static final Duration SHORT = Duration.ofSeconds(20);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Browser browser;
    private static TestServer server;
    private static FileServer files;
    private static Path media;

    @BeforeAll
    static void start() throws IOException {
        if (Browser.missing().isPresent()) {
            return;
        }
        browser = Browser.start();
        server = TestServer.start(
                Store.SQLITE,
                Map.of(
                        "SPOOL_WORKERS", "2",
                        "SPOOL_IMPORT_ALLOW_PRIVATE", "true",
                        "SPOOL_WEBHOOK_ALLOW_PRIVATE", "true",
                        "SPOOL_TASK_MAX_RETRIES", "0"));
        media = Files.createTempDirectory("spool-dashboard-media-");
        files = FileServer.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (files != null) {
            files.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Each test, not the class, is skipped without a browser: so every skip is counted and says why. */
    @BeforeEach
    void needsBrowser() {
        Browser.missing().ifPresent(Assumptions::abort);
    }

    private static TestServer.UserKey newUser() {
        return server.createUserKey("dash-" + UUID.randomUUID() + "@example.com");
    }

    private static void signIn(String key) {
        browser.open(server.baseUrl() + "/");
        browser.script("sessionStorage.clear()");
        browser.open(server.baseUrl() + "/#/assets");
        browser.visible("#api-key").sendKeys(key);
        browser.click("button[type=submit]");
        browser.visible("#topbar nav");
    }

    private static String phaseOfTask(String taskId) {
        return browser.find("[data-task-id='" + taskId + "']").getDomAttribute("data-phase");
    }

    @Test
    void givenAWrongKey_thenSignInSaysSo_andGivenARightKey_thenTheAssetsPageOpensAndSignOutLeavesIt() {
        browser.open(server.baseUrl() + "/");
        browser.script("sessionStorage.clear()");
        browser.open(server.baseUrl() + "/");
        browser.screenshots("sign-in");
        browser.visible("#api-key").sendKeys("not-a-key");
        browser.click("button[type=submit]");
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sign-in-error"), "not valid"), SHORT);

        signIn(newUser().key());
        browser.visible(".state.empty");
        assertThat(browser.driver().getPageSource()).contains("No assets yet");
        assertThat(browser.script("return location.href").toString()).doesNotContain("key");
        browser.click("#sign-out");
        browser.visible("#api-key");
        assertThat(browser.script("return sessionStorage.length")).isEqualTo(0L);
    }

    @Test
    void givenAssets_whenPartOfANameIsTypedInAnotherCase_thenTheListNarrowsToIt_withNoRequestPerKey() {
        var user = newUser();
        var api = server.client(user.key());
        for (String name : List.of("Harbour at Dusk", "harbour tour", "Mountain pass")) {
            var created = api.post("/api/asset/request-upload", Map.of("name", name));
            assertThat(created.status()).as(created.body()).isEqualTo(200);
        }
        signIn(user.key());
        browser.until(d -> listedAssetNames().size() == 3, SHORT);

        browser.visible("#asset-search").sendKeys("HARBOUR");
        browser.until(d -> listedAssetNames().size() == 2, SHORT);
        browser.find("#asset-search").sendKeys(" AT d");
        browser.until(d -> listedAssetNames().equals(List.of("Harbour at Dusk")), SHORT);

        // The keys arrive faster than the debounce: only the text at each pause is asked for, never a prefix.
        var searched = browser.script("return performance.getEntriesByType('resource')"
                + ".map((e) => new URL(e.name)).filter((u) => u.pathname === '/api/asset' && u.searchParams.has('filters'))"
                + ".map((u) => JSON.parse(u.searchParams.get('filters'))[0].value)");
        assertThat((List<?>) searched).isNotEmpty().allMatch(v -> v.equals("HARBOUR") || v.equals("HARBOUR AT d"));
    }

    private static List<String> listedAssetNames() {
        return browser.driver().findElements(By.cssSelector("#assets-table tbody td.name")).stream()
                .map(WebElement::getText)
                .toList();
    }

    @Test
    void givenAGeneratedVideo_whenUploadedThroughTheFileInput_thenItBecomesReady_playsSwitchesRenditionsAndPreviews() {
        Path video = TestVideos.generate(media.resolve("ten-seconds.mp4"), 10, "1280x720");
        signIn(newUser().key());

        browser.open(server.baseUrl() + "/#/upload");
        browser.find("#file-input").sendKeys(video.toAbsolutePath().toString());
        browser.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".upload-item.done a")), PROCESSING);
        browser.screenshots("upload");

        browser.open(server.baseUrl() + "/#/assets");
        browser.until(
                ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#assets-table tbody tr"), "ready"),
                PROCESSING);
        assertThat(browser.find("#assets-table tbody tr").getText()).contains("ten-seconds", "1280×720", "0:10");
        browser.screenshots("assets");

        browser.click("#assets-table tbody tr a");
        browser.find("#player");
        browser.until(
                d -> browser.script("return document.querySelectorAll('#rendition option').length")
                        .equals(3L),
                SHORT);
        browser.script("const v = document.getElementById('player'); v.muted = true; v.play();");
        browser.until(
                d -> ((Number) browser.script("return document.getElementById('player').currentTime")).doubleValue()
                        > 2,
                Duration.ofSeconds(60));

        var rendition = new Select(browser.find("#rendition"));
        String lowest = browser.script(
                        "return [...document.querySelectorAll('#rendition option')]"
                                + ".map(o => o.textContent).filter(t => t !== 'Auto').sort((a, b) => parseInt(a) - parseInt(b))[0]")
                .toString();
        rendition.selectByVisibleText(lowest);
        String height = lowest.substring(0, lowest.indexOf('p'));
        browser.until(d -> height.equals(browser.find("#player").getDomAttribute("data-height")), SHORT);
        browser.script("document.getElementById('player').pause()");

        browser.until(
                d -> (Boolean) browser.script("const r = document.getElementById('scrub'); r.value = '5';"
                        + " r.dispatchEvent(new Event('input')); const p = document.getElementById('scrub-preview');"
                        + " return !p.hidden && p.src.includes('keyframes_') && p.complete && p.naturalWidth > 0"),
                SHORT);
        assertThat(browser.find("#files-table").getText()).contains("MP4");
        assertThat(browser.find("#main").getText()).contains("Playback URL", "Download URL");
        browser.screenshots("asset");
    }

    @Test
    void givenAVideoDroppedOnTheDropZone_thenItUploadsAndBecomesReady() throws IOException {
        Path video = TestVideos.generate(media.resolve("dropped.mp4"), 4);
        signIn(newUser().key());
        browser.open(server.baseUrl() + "/#/upload");
        browser.visible("#dropzone");

        // What a browser hands the page when a file is dragged from the desktop and let go over the zone.
        browser.script(
                "const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));"
                        + " const data = new DataTransfer();"
                        + " data.items.add(new File([bytes], 'dropped.mp4', { type: 'video/mp4' }));"
                        + " const zone = document.getElementById('dropzone');"
                        + " for (const type of ['dragenter', 'dragover', 'drop']) {"
                        + "   zone.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));"
                        + " }",
                Base64.getEncoder().encodeToString(Files.readAllBytes(video)));

        assertThat(browser.visible(".upload-item").getText()).contains("dropped.mp4");
        browser.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".upload-item.done a")), PROCESSING);
        browser.open(server.baseUrl() + "/#/assets");
        browser.until(
                ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#assets-table tbody tr"), "ready"),
                PROCESSING);
        assertThat(browser.find("#assets-table tbody tr").getText()).contains("dropped", "0:04");
    }

    @Test
    void givenAReadyAsset_whenInAndOutAreMarkedOnThePlayer_thenTheClipIsMadeAndReachesReadyInTheList() {
        var user = newUser();
        String path = "/clip-source-" + UUID.randomUUID() + ".mp4";
        files.file(path, TestVideos.generate(media.resolve("clip-source.mp4"), 6));
        ApiClient api = server.client(user.key());
        String assetId = api.post("/api/asset/upload/url", Map.of("url", files.url(path), "name", "clip source"))
                .json()
                .path("asset")
                .path("id")
                .asText();
        browser.until(d -> phaseOfAsset(api, assetId).equals("ready"), PROCESSING);
        signIn(user.key());

        browser.open(server.baseUrl() + "/#/assets/" + assetId);
        browser.visible("#clips .state.empty");
        browser.until(
                d -> (Boolean)
                        browser.script(
                                "const v = document.getElementById('player');"
                                        + " return !!v && v.readyState >= 1 && document.querySelectorAll('#rendition option').length > 1"),
                SHORT);
        assertThat(browser.find("#clip-create").isEnabled()).isFalse();

        // Marked the wrong way round, from the keyboard: refused on the page, nothing is sent.
        seek(3);
        browser.find("#mark-in").sendKeys(Keys.ENTER);
        seek(1);
        new Actions(browser.driver()).sendKeys("o").perform();
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("clip-error"), "after"), SHORT);
        assertThat(browser.find("#clip-create").isEnabled()).isFalse();

        browser.click("#mark-in");
        seek(3);
        browser.click("#mark-out");
        assertThat(browser.find("#clip-range").getText()).contains("0:01.0", "0:03.0", "2.0 s");
        assertThat(browser.find("#clip-error").getText()).isEmpty();
        browser.find("#clip-name").sendKeys("highlight");
        browser.screenshots("clip-marked", ".grid-2 > .card");
        browser.click("#clip-create");

        browser.visible("#clips-table [data-clip-id]");
        browser.screenshots("clip-processing", "#clips");
        browser.until(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("#clips-table [data-phase='ready']")),
                PROCESSING);
        var row = browser.find("#clips-table [data-phase='ready']");
        assertThat(row.getText()).contains("highlight", "ready");
        var clip = api.get("/api/asset/" + row.getDomAttribute("data-clip-id")).json();
        assertThat(clip.path("source").path("assetId").asText()).isEqualTo(assetId);
        assertThat(clip.path("videoSpec").path("duration").asDouble()).isBetween(1.5, 2.6);
        browser.screenshots("clips", "#clips");
    }

    @Test
    void givenTheAdmin_whenSwitchingToAUser_thenTheirAssetsAndTasksShow_andANonAdminHasNoSwitch() {
        var alice = newUser();
        String email = server.server()
                .accounts()
                .findUser(alice.userId())
                .orElseThrow()
                .email();
        String name = "alice's " + UUID.randomUUID();
        var upload = server.client(alice.key())
                .post("/api/asset/request-upload", Map.of("name", name))
                .json();
        var hook = server.client(alice.key())
                .post(
                        "/api/webhook",
                        Map.of("name", name, "url", files.url("/alice-hook"), "events", List.of("asset.ready")));
        assertThat(hook.status()).as(hook.body()).isEqualTo(200);
        signIn(server.adminKey());

        assertThat(browser.visible("#user-switch-box").isDisplayed()).isTrue();
        assertThat(browser.find("#viewing-banner").isDisplayed()).isFalse();
        assertThat(browser.find("#main").getText()).doesNotContain(name);
        new Select(browser.find("#user-switch")).selectByVisibleText(email);
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("viewing-banner"), email), SHORT);
        browser.until(
                ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#assets-table tbody"), name), SHORT);
        assertThat(browser.find("#assets-table tbody").findElements(By.tagName("tr")))
                .hasSize(1);
        browser.screenshots("user-switch");

        browser.open(server.baseUrl() + "/#/tasks");
        browser.find("[data-task-id='" + upload.path("task").path("id").asText() + "']");
        assertThat(browser.find("#task-list").findElements(By.cssSelector("[data-task-id]")))
                .hasSize(1);
        browser.open(server.baseUrl() + "/#/webhooks");
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("webhook-list"), name), SHORT);
        assertThat(browser.find("#webhook-list").findElements(By.tagName("li"))).hasSize(1);

        browser.click("#viewing-banner button");
        browser.until(ExpectedConditions.invisibilityOfElementLocated(By.id("viewing-banner")), SHORT);
        browser.until(
                ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(
                        "[data-task-id='" + upload.path("task").path("id").asText() + "']")),
                SHORT);

        signIn(alice.key());
        assertThat(browser.visible("#assets-table").getText()).contains(name);
        assertThat(browser.find("#user-switch-box").isDisplayed()).isFalse();
        assertThat(browser.find("#viewing-banner").isDisplayed()).isFalse();
    }

    private static String phaseOfAsset(ApiClient api, String assetId) {
        return api.get("/api/asset/" + assetId)
                .json()
                .path("status")
                .path("phase")
                .asText();
    }

    /** Seeks the player and waits until the video is there, so that a mark reads exactly that time. */
    private static void seek(double seconds) {
        browser.script("document.getElementById('player').currentTime = arguments[0]", seconds);
        browser.until(
                d -> (Boolean) browser.script(
                        "const v = document.getElementById('player');"
                                + " return !v.seeking && Math.abs(v.currentTime - arguments[0]) < 0.01",
                        seconds),
                SHORT);
    }

    @Test
    void givenAnUploadCutOffHalfWay_whenTheSameFileIsPickedAfterAReload_thenItResumesFromWhereItStopped()
            throws Exception {
        var user = newUser();
        Path video = TestVideos.generate(media.resolve("resumed.mp4"), 2);
        byte[] bytes = Files.readAllBytes(video);
        var created = server.client(user.key())
                .post("/api/asset/request-upload", Map.of("name", "resumed"))
                .json();
        String uploadUrl = startTusUpload(
                created.path("tusEndpoint").asText(), Arrays.copyOf(bytes, bytes.length / 2), bytes.length);
        signIn(user.key());
        // What the page itself stored when the upload began, before the tab was closed.
        browser.script(
                "localStorage.setItem(arguments[0], arguments[1])",
                "spool.tus.resumed.mp4:" + bytes.length + ":"
                        + Files.getLastModifiedTime(video).toMillis(),
                JSON.writeValueAsString(Map.of(
                        "url",
                        uploadUrl,
                        "assetId",
                        created.path("asset").path("id").asText(),
                        "name",
                        "resumed.mp4",
                        "size",
                        bytes.length)));

        browser.open(server.baseUrl() + "/#/upload");
        browser.driver().navigate().refresh();
        assertThat(browser.visible("#unfinished").getText()).contains("resumed.mp4");
        browser.find("#file-input").sendKeys(video.toAbsolutePath().toString());
        browser.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".upload-item.done a")), SHORT);

        assertThat(browser.find(".upload-item.done").getText()).contains("resumed at 50%");
        String assetId = created.path("asset").path("id").asText();
        browser.until(
                d -> server.client(user.key())
                        .get("/api/asset/" + assetId)
                        .json()
                        .path("status")
                        .path("phase")
                        .asText()
                        .equals("ready"),
                PROCESSING);
    }

    /** Creates a tus upload and sends its first bytes, as a browser cut off half-way would have. */
    private static String startTusUpload(String endpoint, byte[] firstPart, long length) throws Exception {
        var http = HttpClient.newHttpClient();
        var create = http.send(
                HttpRequest.newBuilder(URI.create(endpoint))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .header("Tus-Resumable", "1.0.0")
                        .header("Upload-Length", Long.toString(length))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(create.statusCode()).isEqualTo(201);
        String url = URI.create(endpoint)
                .resolve(create.headers().firstValue("Location").orElseThrow())
                .toString();
        var patch = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(firstPart))
                        .header("Tus-Resumable", "1.0.0")
                        .header("Upload-Offset", "0")
                        .header("Content-Type", "application/offset+octet-stream")
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(patch.statusCode()).isEqualTo(204);
        return url;
    }

    @Test
    void givenAnImportThatFails_thenItsErrorShows_andRetryQueuesItAgainUntilItCompletes() {
        var user = newUser();
        signIn(user.key());
        String path = "/missing-" + UUID.randomUUID() + ".mp4";
        browser.open(server.baseUrl() + "/#/upload");
        browser.visible("#import-url").sendKeys(files.url(path));
        browser.visible("#import-name").sendKeys("late arrival");
        browser.click("#import-form button[type=submit]");

        browser.visible("#task-list");
        String taskId = browser.find("#task-list [data-task-id]").getDomAttribute("data-task-id");
        browser.until(d -> "failed".equals(phaseOfTask(taskId)), PROCESSING);
        assertThat(browser.find("[data-task-id='" + taskId + "'] .task-error").getText())
                .isNotBlank();
        browser.screenshots("tasks");

        files.file(path, TestVideos.generate(media.resolve("late.mp4"), 2));
        browser.click("[data-task-id='" + taskId + "'] .actions button");
        browser.until(d -> "completed".equals(phaseOfTask(taskId)), PROCESSING);
        assertThat(server.client(user.key())
                        .get("/api/task/" + taskId)
                        .json()
                        .path("status")
                        .path("phase")
                        .asText())
                .isEqualTo("completed");
    }

    @Test
    void givenAnImportStillRunning_whenCancelledInTheTaskList_thenItIsCancelled() {
        var user = newUser();
        String path = "/slow-" + UUID.randomUUID() + ".mp4";
        files.slowFile(path, TestVideos.generate(media.resolve("slow.mp4"), 2), Duration.ofSeconds(60));
        String taskId = server.client(user.key())
                .post("/api/asset/upload/url", Map.of("url", files.url(path), "name", "slow"))
                .json()
                .path("task")
                .path("id")
                .asText();
        signIn(user.key());

        browser.open(server.baseUrl() + "/#/tasks");
        browser.click("[data-task-id='" + taskId + "'] .actions button");
        browser.until(d -> "cancelled".equals(phaseOfTask(taskId)), SHORT);
        assertThat(server.client(user.key())
                        .get("/api/task/" + taskId)
                        .json()
                        .path("status")
                        .path("phase")
                        .asText())
                .isEqualTo("cancelled");
    }

    @Test
    void givenAWebhookCreatedInTheUi_whenATaskStarts_thenItsLogShowsTheDelivery() throws IOException {
        var user = newUser();
        files.file("/hook", Files.writeString(media.resolve("answer.json"), "{\"received\":true}"));
        signIn(user.key());
        browser.open(server.baseUrl() + "/#/webhooks");
        browser.visible("#webhook-name").sendKeys("receiver");
        browser.visible("#webhook-url").sendKeys(files.url("/hook"));
        browser.click("#event-task-spawned");
        browser.click("#webhook-form button[type=submit]");
        browser.visible("#edit-title");

        server.client(user.key())
                .post(
                        "/api/asset/upload/url",
                        Map.of("url", files.url("/never-" + UUID.randomUUID()), "name", "trigger"));
        browser.until(
                d -> {
                    browser.click(".page-header .actions button");
                    return !d.findElements(By.cssSelector("#delivery-log [data-event='task.spawned']"))
                            .isEmpty();
                },
                SHORT);
        browser.click("#delivery-log summary");
        assertThat(browser.find("#delivery-log").getText()).contains("task.spawned", "200");
        browser.screenshots("webhook");
    }

    @Test
    void givenAKeyCreatedInTheUi_thenItWorksOverHttp_untilItIsRevokedThere() {
        signIn(newUser().key());
        browser.open(server.baseUrl() + "/#/keys");
        browser.visible("#key-name").sendKeys("ci pipeline");
        browser.click("#key-form button[type=submit]");
        String secret = browser.visible("#new-key input").getDomProperty("value");
        ApiClient withNewKey = server.client(secret);
        assertThat(withNewKey.get("/api/asset").status()).isEqualTo(200);
        browser.screenshots("keys");

        browser.click("[data-key-name='ci pipeline'] button");
        browser.click("dialog button[value=confirm]");
        browser.until(
                ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("[data-key-name='ci pipeline']")),
                SHORT);
        browser.until(d -> withNewKey.get("/api/asset").status() == 401, SHORT);
    }
}
