package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every server here listens on the loopback interface only; nothing leaves the machine. */
class SourceFetcherTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private final List<HttpServer> servers = new ArrayList<>();
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final CountDownLatch releaseStalledHandlers = new CountDownLatch(1);
    private HttpServer server;
    private AtomicInteger requests;
    private Path target;

    @BeforeEach
    void startServer() throws IOException {
        server = newServer("127.0.0.1");
        requests = new AtomicInteger();
        target = dir.resolve("source.bin");
    }

    @AfterEach
    void stopServers() {
        releaseStalledHandlers.countDown();
        servers.forEach(s -> s.stop(0));
        handlers.shutdownNow();
    }

    @Test
    void givenLargeGeneratedBody_whenFetching_thenStreamsItIntoTheFileIntact() throws Exception {
        long size = 50 * MIB;
        route(server, "/big.mp4", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "video/mp4");
            exchange.sendResponseHeaders(200, size);
            try (OutputStream out = exchange.getResponseBody()) {
                generate(42, size, out);
            }
        });
        AtomicLong lastProgress = new AtomicLong();

        FetchedSource fetched = fetcher(true).fetch(url(server, "/big.mp4"), target, lastProgress::set);

        assertThat(fetched.bytesWritten()).isEqualTo(size);
        assertThat(fetched.contentLength()).hasValue(size);
        assertThat(fetched.contentType()).contains("video/mp4");
        assertThat(fetched.finalUrl()).isEqualTo(url(server, "/big.mp4"));
        assertThat(lastProgress).hasValue(size);
        assertThat(sha256(target)).isEqualTo(expectedSha256(42, size));
    }

    @Test
    void givenFiveRedirects_whenFetching_thenFollowsThemToTheBody() throws Exception {
        routeRedirectChain();

        FetchedSource fetched = fetcher(true).fetch(url(server, "/hop/5"), target, bytes -> {});

        assertThat(fetched.finalUrl()).isEqualTo(url(server, "/hop/0"));
        assertThat(Files.readString(target)).isEqualTo("arrived");
        assertThat(requests).hasValue(6);
    }

    @Test
    void givenSixRedirects_whenFetching_thenRefusesTheSixth() {
        routeRedirectChain();

        FetchException failure = fetchFailure(fetcher(true), url(server, "/hop/6"));

        assertThat(failure.code()).isEqualTo(FetchException.TOO_MANY_REDIRECTS);
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.getMessage()).contains("more than 5 redirects");
        assertThat(requests).hasValue(6);
        assertThat(target).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:%d/a.mp4", "http://[::1]:%d/a.mp4", "http://localhost:%d/a.mp4"})
    void givenPrivateAddressesRefused_whenFetchingLoopback_thenRefusesWithoutConnecting(String pattern) {
        route(server, "/a.mp4", exchange -> respond(exchange, 200, "never served"));

        FetchException failure = fetchFailure(
                fetcher(false), pattern.formatted(server.getAddress().getPort()));

        assertThat(failure.code()).isEqualTo(FetchException.ADDRESS_REFUSED);
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.getMessage()).contains("loopback address").contains("SPOOL_IMPORT_ALLOW_PRIVATE=true");
        assertThat(requests).hasValue(0);
    }

    @Test
    void givenAllowedFirstHop_whenRedirectedToLoopback_thenRefusesTheSecondHopWithoutContactingIt() throws Exception {
        HttpServer internal = newServer("127.0.0.2");
        AtomicInteger internalRequests = new AtomicInteger();
        internal.createContext("/secret", exchange -> {
            internalRequests.incrementAndGet();
            respond(exchange, 200, "internal data");
        });
        String internalUrl = "http://127.0.0.2:" + internal.getAddress().getPort() + "/secret";
        route(server, "/public.mp4", exchange -> redirect(exchange, internalUrl));
        // Stands in for DNS that calls the first server public, so only the redirect target is refused.
        AddressGuard guard = new AddressGuard(
                false,
                host -> host.equals("127.0.0.1")
                        ? new InetAddress[] {InetAddress.getByName("93.184.216.34")}
                        : InetAddress.getAllByName(host));
        SourceFetcher fetcher = new SourceFetcher(config(false, 1024 * MIB), guard);

        FetchException failure = fetchFailure(fetcher, url(server, "/public.mp4"));

        assertThat(failure.code()).isEqualTo(FetchException.ADDRESS_REFUSED);
        assertThat(failure.getMessage()).startsWith("refusing to import from 127.0.0.2 (loopback address)");
        assertThat(requests).hasValue(1);
        assertThat(internalRequests).hasValue(0);
    }

    @Test
    void givenCredentialsInUrl_whenFetching_thenSendsThemAsBasicAuthOnlyToTheirOrigin() throws Exception {
        HttpServer other = newServer("127.0.0.1");
        AtomicReference<String> otherAuthorization = new AtomicReference<>("not called");
        other.createContext("/elsewhere", exchange -> {
            otherAuthorization.set(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            respond(exchange, 200, "moved content");
        });
        AtomicReference<String> authorization = new AtomicReference<>();
        route(server, "/private.mp4", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            redirect(exchange, url(other, "/elsewhere"));
        });
        String withCredentials = url(server, "/private.mp4").replace("http://", "http://alice:s3cr3t@");

        FetchedSource fetched = fetcher(true).fetch(withCredentials, target, bytes -> {});

        assertThat(authorization)
                .hasValue(
                        "Basic " + Base64.getEncoder().encodeToString("alice:s3cr3t".getBytes(StandardCharsets.UTF_8)));
        assertThat(otherAuthorization).hasValue("null");
        assertThat(Files.readString(target)).isEqualTo("moved content");
        assertThat(fetched.finalUrl()).doesNotContain("s3cr3t");
    }

    @Test
    void givenCredentialsInUrl_whenTheFetchFails_thenTheMessageMasksThem() {
        route(server, "/gone.mp4", exchange -> respond(exchange, 404, "no"));
        String withCredentials = url(server, "/gone.mp4").replace("http://", "http://alice:s3cr3t@");

        FetchException failure = fetchFailure(fetcher(true), withCredentials);

        assertThat(failure.getMessage()).doesNotContain("s3cr3t").doesNotContain("alice");
        FetchException refused = fetchFailure(fetcher(false), withCredentials);
        assertThat(refused.getMessage()).doesNotContain("s3cr3t");
        FetchException unsupported = fetchFailure(fetcher(false), "ftp://alice:s3cr3t@files.example/a.mp4");
        assertThat(unsupported.getMessage())
                .contains("ftp://***:***@files.example/a.mp4")
                .doesNotContain("s3cr3t");
    }

    @Test
    void givenNotFound_whenFetching_thenFailsSourceNotFoundUnretriablyNamingTheStatus() {
        route(server, "/missing.mp4", exchange -> respond(exchange, 404, "nothing here"));

        FetchException failure = fetchFailure(fetcher(true), url(server, "/missing.mp4"));

        assertThat(failure.code()).isEqualTo(FetchException.SOURCE_NOT_FOUND);
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.getMessage())
                .isEqualTo("the source answered 404 Not Found for " + url(server, "/missing.mp4"));
        assertThat(target).doesNotExist();
    }

    @Test
    void givenForbidden_whenFetching_thenFailsSourceRejectedUnretriably() {
        route(server, "/locked.mp4", exchange -> respond(exchange, 403, "go away"));

        FetchException failure = fetchFailure(fetcher(true), url(server, "/locked.mp4"));

        assertThat(failure.code()).isEqualTo(FetchException.SOURCE_REJECTED);
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.getMessage()).contains("403 Forbidden");
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503, 429})
    void givenServerError_whenFetching_thenFailsRetriably(int status) {
        route(server, "/flaky.mp4", exchange -> respond(exchange, status, "try later"));

        FetchException failure = fetchFailure(fetcher(true), url(server, "/flaky.mp4"));

        assertThat(failure.code()).isEqualTo(FetchException.SOURCE_UNAVAILABLE);
        assertThat(failure.retriable()).isTrue();
        assertThat(failure.getMessage()).contains("answered " + status);
    }

    @Test
    void givenNothingListening_whenFetching_thenFailsRetriably() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }

        FetchException failure = fetchFailure(fetcher(true), "http://127.0.0.1:" + port + "/a.mp4");

        assertThat(failure.code()).isEqualTo(FetchException.SOURCE_UNAVAILABLE);
        assertThat(failure.retriable()).isTrue();
        assertThat(failure.getMessage()).startsWith("cannot connect to http://127.0.0.1:" + port + "/a.mp4");
    }

    @Test
    void givenBodyLargerThanTheLimitWithoutLength_whenFetching_thenAbortsMidStreamAndRemovesThePartialFile() {
        route(server, "/endless.mp4", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                generate(7, 8 * MIB, out);
            } catch (IOException expected) {
                // The fetcher hangs up once the limit is passed.
            }
        });
        AtomicLong lastProgress = new AtomicLong();

        FetchException failure = catchThrowableOfType(
                FetchException.class,
                () -> new SourceFetcher(config(true, MIB))
                        .fetch(url(server, "/endless.mp4"), target, lastProgress::set));

        assertThat(failure.code()).isEqualTo(FetchException.TOO_LARGE);
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.getMessage()).contains("larger than the limit of 1.0 MiB");
        assertThat(lastProgress.get()).isPositive().isLessThanOrEqualTo(MIB);
        assertThat(target).doesNotExist();
    }

    @Test
    void givenAnnouncedLengthAboveTheLimit_whenFetching_thenFailsBeforeReadingTheBody() {
        route(server, "/huge.mp4", exchange -> {
            exchange.sendResponseHeaders(200, 4 * MIB);
            try (OutputStream out = exchange.getResponseBody()) {
                generate(7, 4 * MIB, out);
            } catch (IOException expected) {
                // The fetcher hangs up without reading.
            }
        });
        AtomicLong lastProgress = new AtomicLong();

        FetchException failure = catchThrowableOfType(
                FetchException.class,
                () -> new SourceFetcher(config(true, MIB)).fetch(url(server, "/huge.mp4"), target, lastProgress::set));

        assertThat(failure.code()).isEqualTo(FetchException.TOO_LARGE);
        assertThat(lastProgress).hasValue(0);
        assertThat(target).doesNotExist();
    }

    @Test
    void givenEmptyBody_whenFetching_thenFailsEmptySourceAndRemovesTheFile() {
        route(server, "/empty.mp4", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });

        FetchException failure = fetchFailure(fetcher(true), url(server, "/empty.mp4"));

        assertThat(failure.code()).isEqualTo(FetchException.EMPTY_SOURCE);
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.getMessage()).isEqualTo("zero bytes found for source " + url(server, "/empty.mp4"));
        assertThat(target).doesNotExist();
    }

    @Test
    void givenSourceThatStallsMidBody_whenFetching_thenGivesUpAfterTheIdleTimeoutRetriably() {
        route(server, "/stall.mp4", exchange -> {
            exchange.sendResponseHeaders(200, 10 * MIB);
            OutputStream out = exchange.getResponseBody();
            out.write(new byte[64 * 1024]);
            out.flush();
            awaitRelease();
            exchange.close();
        });
        FetchConfig quick = new FetchConfig(
                true, MIB * 100, Duration.ofSeconds(2), Duration.ofMillis(300), 5, List.of(), List.of());
        long started = System.nanoTime();

        FetchException failure = fetchFailure(new SourceFetcher(quick), url(server, "/stall.mp4"));

        assertThat(failure.code()).isEqualTo(FetchException.SOURCE_UNAVAILABLE);
        assertThat(failure.retriable()).isTrue();
        assertThat(failure.getMessage()).contains("stopped sending data for 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(target).doesNotExist();
    }

    @Test
    void givenIpfsUrl_whenTheFirstGatewayFails_thenTheNextGatewayServesIt() throws Exception {
        AtomicInteger firstGatewayHits = new AtomicInteger();
        route(server, "/gw1/ipfs/", exchange -> {
            firstGatewayHits.incrementAndGet();
            respond(exchange, 502, "upstream down");
        });
        AtomicReference<String> askedPath = new AtomicReference<>();
        route(server, "/gw2/ipfs/", exchange -> {
            askedPath.set(exchange.getRequestURI().getRawPath());
            respond(exchange, 200, "ipfs content");
        });
        FetchConfig gateways = new FetchConfig(
                true,
                MIB,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                5,
                List.of(url(server, "/gw1/ipfs/"), url(server, "/gw2/ipfs")),
                List.of());

        FetchedSource fetched =
                new SourceFetcher(gateways).fetch("ipfs://bafybeigdyrzt5/videos/clip.mp4", target, b -> {});

        assertThat(firstGatewayHits).hasValue(1);
        assertThat(askedPath).hasValue("/gw2/ipfs/bafybeigdyrzt5/videos/clip.mp4");
        assertThat(fetched.finalUrl()).isEqualTo(url(server, "/gw2/ipfs/bafybeigdyrzt5/videos/clip.mp4"));
        assertThat(Files.readString(target)).isEqualTo("ipfs content");
    }

    @Test
    void givenIpfsUrl_whenEveryGatewayFailsRetriably_thenFailsRetriablyNamingTheLastError() {
        route(server, "/down/", exchange -> respond(exchange, 503, "down"));
        FetchConfig gateways = new FetchConfig(
                true,
                MIB,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                5,
                List.of(url(server, "/down/a/"), url(server, "/down/b/")),
                List.of());

        FetchException failure = fetchFailure(new SourceFetcher(gateways), "ipfs://ipfs/QmYwAPJzv5CZsnA");

        assertThat(failure.retriable()).isTrue();
        assertThat(failure.getMessage())
                .startsWith("all 2 IPFS gateways failed for ipfs://ipfs/QmYwAPJzv5CZsnA")
                .contains("503 Service Unavailable for " + url(server, "/down/b/QmYwAPJzv5CZsnA"));
    }

    @Test
    void givenArweaveUrl_whenFetching_thenGoesThroughTheArweaveGateway() throws Exception {
        route(
                server,
                "/arweave/",
                exchange -> respond(
                        exchange, 200, "permaweb " + exchange.getRequestURI().getPath()));
        FetchConfig gateways = new FetchConfig(
                true,
                MIB,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                5,
                List.of(),
                List.of(url(server, "/arweave/")));

        new SourceFetcher(gateways).fetch("ar://bNbA3TEQVL60xlgCcqdz4ZPHFZ711cZ3hmkpGttDt_U", target, b -> {});

        assertThat(Files.readString(target)).isEqualTo("permaweb /arweave/bNbA3TEQVL60xlgCcqdz4ZPHFZ711cZ3hmkpGttDt_U");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://files.example/a.mp4", "file:///etc/passwd", "gopher://x/", "just some words"})
    void givenUnsupportedUrl_whenFetching_thenFailsUnsupportedUrlUnretriably(String url) {
        FetchException failure = fetchFailure(fetcher(false), url);

        assertThat(failure.code()).isEqualTo(FetchException.UNSUPPORTED_URL);
        assertThat(failure.retriable()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ipfs://not-a-cid!/x", "ar:///nothing", "http://exa mple.com/a.mp4"})
    void givenMalformedUrlOfASupportedScheme_whenFetching_thenFailsInvalidUrl(String url) {
        FetchException failure = fetchFailure(fetcher(false), url);

        assertThat(failure.code()).isEqualTo(FetchException.INVALID_URL);
        assertThat(failure.retriable()).isFalse();
    }

    @Test
    void givenHttpsSource_whenRedirectedToPlainHttp_thenRefusesTheDowngrade() {
        FetchException failure = catchThrowableOfType(
                FetchException.class,
                () -> HttpDownloader.checkRedirect(
                        URI.create("https://cdn.example/a.mp4"), URI.create("http://cdn.example/a.mp4")));

        assertThat(failure.code()).isEqualTo(FetchException.REDIRECT_REFUSED);
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.getMessage()).contains("downgrade https to plain http");
    }

    @Test
    void givenRedirectToAnotherScheme_whenFollowing_thenRefusesIt() {
        route(server, "/to-file", exchange -> redirect(exchange, "file:///etc/passwd"));

        FetchException failure = fetchFailure(fetcher(true), url(server, "/to-file"));

        assertThat(failure.code()).isEqualTo(FetchException.REDIRECT_REFUSED);
    }

    private SourceFetcher fetcher(boolean allowPrivate) {
        return new SourceFetcher(config(allowPrivate, 1024 * MIB));
    }

    private static FetchConfig config(boolean allowPrivate, long maxBytes) {
        return new FetchConfig(
                allowPrivate, maxBytes, Duration.ofSeconds(2), Duration.ofSeconds(5), 5, List.of(), List.of());
    }

    private FetchException fetchFailure(SourceFetcher fetcher, String url) {
        return catchThrowableOfType(FetchException.class, () -> fetcher.fetch(url, target, bytes -> {}));
    }

    /** /hop/N redirects (relative Location) to /hop/N-1; /hop/0 is the body. */
    private void routeRedirectChain() {
        route(server, "/hop/", exchange -> {
            int remaining = Integer.parseInt(exchange.getRequestURI().getPath().substring("/hop/".length()));
            if (remaining == 0) {
                respond(exchange, 200, "arrived");
            } else {
                redirect(exchange, "/hop/" + (remaining - 1));
            }
        });
    }

    private HttpServer newServer(String address) throws IOException {
        HttpServer created = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 0);
        created.setExecutor(handlers);
        created.start();
        servers.add(created);
        return created;
    }

    private void route(HttpServer on, String path, HttpHandler handler) {
        on.createContext(path, exchange -> {
            requests.incrementAndGet();
            handler.handle(exchange);
        });
    }

    private static String url(HttpServer on, String path) {
        return "http://127.0.0.1:" + on.getAddress().getPort() + path;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private void awaitRelease() {
        try {
            releaseStalledHandlers.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes {@code length} reproducible pseudo-random bytes without holding them in memory. */
    private static void generate(long seed, long length, OutputStream out) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[64 * 1024];
        for (long left = length; left > 0; left -= chunk.length) {
            random.nextBytes(chunk);
            out.write(chunk, 0, (int) Math.min(chunk.length, left));
        }
    }

    private static String expectedSha256(long seed, long length) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                digest.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                digest.update(b, off, len);
            }
        }) {
            generate(seed, length, sink);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
