package dev.spool.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.spool.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} on a port of its own, for Prometheus. It answers without an API key: who may scrape is
 * decided by who can reach the port, never by a tenant's credential.
 */
public final class MetricsServer implements AutoCloseable {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer http;

    private MetricsServer(HttpServer http) {
        this.http = http;
    }

    public static MetricsServer start(Metrics metrics, int port) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (BindException e) {
            throw new ConfigException("SPOOL_METRICS_PORT " + port + " is already in use");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the metrics port " + port, e);
        }
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/metrics", exchange -> answer(exchange, metrics));
        http.start();
        return new MetricsServer(http);
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, Metrics metrics) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")
                    && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                exchange.getResponseBody().write(body);
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
