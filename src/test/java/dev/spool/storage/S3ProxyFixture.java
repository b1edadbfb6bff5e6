package dev.spool.storage;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * A real S3 protocol server (s3proxy) on 127.0.0.1 and a free port, keeping its buckets in memory (the
 * jclouds {@code transient} blob store) and accepting AWS signature v2 and v4 made with
 * {@link #ACCESS_KEY} and {@link #SECRET_KEY}. The filesystem blob store is not used: it answers
 * listings with directory entries and takes seconds to delete each of them.
 *
 * <p>Either call {@link #start()} and {@link #stop()}, or let JUnit do it once per test class:
 * <pre>{@code
 * @RegisterExtension
 * static final S3ProxyFixture s3 = new S3ProxyFixture();
 * ...
 * String bucket = s3.createBucket();
 * ObjectStore store = ObjectStores.open(s3.storageUrl(bucket), dataDir);
 * }</pre>
 */
public final class S3ProxyFixture implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    public static final String ACCESS_KEY = "spool-test-key";
    /** Contains '/' and '+' so that every use of it exercises the URL encoding of credentials. */
    public static final String SECRET_KEY = "spool/test+secret";

    private static final long START_TIMEOUT_MS = 10_000;
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final boolean ignoreUnknownHeaders;
    private BlobStoreContext context;
    private S3Proxy proxy;

    /** A stock s3proxy, which refuses requests carrying headers it does not know (501 NotImplemented). */
    public S3ProxyFixture() {
        this(false);
    }

    private S3ProxyFixture(boolean ignoreUnknownHeaders) {
        this.ignoreUnknownHeaders = ignoreUnknownHeaders;
    }

    /**
     * An s3proxy that ignores headers it does not know, as the AWS SDK's CRC32 checksum headers, which
     * newer S3 servers understand; it accepts batch deletes (DeleteObjects) from the SDK.
     */
    public static S3ProxyFixture ignoringUnknownHeaders() {
        return new S3ProxyFixture(true);
    }

    public void start() {
        if (proxy != null) {
            throw new IllegalStateException("s3proxy is already started");
        }
        quietServerLogs();
        try {
            context = ContextBuilder.newBuilder("transient").buildView(BlobStoreContext.class);
            proxy = S3Proxy.builder()
                    .blobStore(context.getBlobStore())
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                    .ignoreUnknownHeaders(ignoreUnknownHeaders)
                    .build();
            proxy.start();
            long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("s3proxy did not start within " + START_TIMEOUT_MS + " ms");
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("cannot start s3proxy", e);
        }
    }

    public void stop() {
        try {
            if (proxy != null) {
                proxy.stop();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop s3proxy", e);
        } finally {
            proxy = null;
            if (context != null) {
                context.close();
                context = null;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    public int port() {
        return started().getPort();
    }

    /** {@code http://127.0.0.1:PORT} */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** Creates a bucket with a fresh name and returns the name. */
    public String createBucket() {
        return createBucket("bucket-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet());
    }

    public String createBucket(String name) {
        started();
        context.getBlobStore().createContainerInLocation(null, name);
        return name;
    }

    /** {@code s3+http://KEY:SECRET@127.0.0.1:PORT/bucket}, key and secret URL-encoded. */
    public String storageUrl(String bucket) {
        return "s3+http://" + encode(ACCESS_KEY) + ":" + encode(SECRET_KEY) + "@127.0.0.1:" + port() + "/" + bucket;
    }

    public S3Location location(String bucket) {
        return new S3Location(endpoint(), bucket, "", ACCESS_KEY, SECRET_KEY);
    }

    /** The server's own debug logging (its Jetty's above all) would bury the test's output. */
    private static void quietServerLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            for (String name : new String[] {"org.gaul", "org.jclouds", "jclouds"}) {
                logback.getLogger(name).setLevel(Level.WARN);
            }
        }
    }

    private S3Proxy started() {
        if (proxy == null) {
            throw new IllegalStateException("s3proxy is not started");
        }
        return proxy;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
