package dev.spool.metrics;

import io.javalin.http.Context;
import io.javalin.http.RequestLogger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Times every HTTP request by method, route template and status, and counts the bytes uploads accept. The route is
 * the template the request matched ({@code /api/task/{id}}), never the raw path, so no id becomes a label.
 */
public final class HttpMetrics implements RequestLogger {
    private static final String UNMATCHED = "unmatched";
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10)
    };
    private static final String TUS_PATCH = "/api/asset/upload/tus/{id}";
    private static final String DIRECT_PUT = "/api/asset/upload/direct";

    private final MeterRegistry registry;
    private final Counter tusBytes;
    private final Counter directBytes;

    public HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.tusBytes = uploadBytes(registry, "tus");
        this.directBytes = uploadBytes(registry, "direct");
    }

    private static Counter uploadBytes(MeterRegistry registry, String kind) {
        return Counter.builder("spool.upload.bytes")
                .baseUnit("bytes")
                .tag("kind", kind)
                .description("Bytes of media accepted by uploads")
                .register(registry);
    }

    @Override
    public void handle(Context ctx, Float executionMillis) {
        String route = route(ctx);
        int status = ctx.statusCode();
        Timer.builder("spool.http.server.requests")
                .description("HTTP requests by method, route template and status")
                .tag("method", ctx.method().name())
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(Duration.ofNanos((long) (executionMillis * 1_000_000)));
        if (status / 100 == 2) {
            countUpload(ctx, route);
        }
    }

    private static String route(Context ctx) {
        var endpoint = ctx.endpoints().matchedHttpEndpoint();
        return endpoint == null ? UNMATCHED : endpoint.path;
    }

    /** A tus PATCH accepted the bytes between the offset it was sent at and the one it answered with. */
    private void countUpload(Context ctx, String route) {
        if (route.equals(TUS_PATCH) && ctx.method().name().equals("PATCH")) {
            long before = offset(ctx.header("Upload-Offset"));
            long after = offset(ctx.res().getHeader("Upload-Offset"));
            if (before >= 0 && after > before) {
                tusBytes.increment(after - before);
            }
        } else if (route.equals(DIRECT_PUT) && ctx.method().name().equals("PUT")) {
            long length = ctx.req().getContentLengthLong();
            if (length > 0) {
                directBytes.increment(length);
            }
        }
    }

    private static long offset(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
