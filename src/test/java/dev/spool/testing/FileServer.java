package dev.spool.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain HTTP server standing in for the places users import from: files, redirects and slow answers at fixed
 * paths, 404 for anything else. Binds to 127.0.0.1 unless told another local address.
 */
public final class FileServer implements AutoCloseable {
    private interface Route {
        void answer(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final String host;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    private FileServer(HttpServer server, String host) {
        this.server = server;
        this.host = host;
    }

    public static FileServer start() {
        return start(InetAddress.getLoopbackAddress());
    }

    public static FileServer start(InetAddress address) {
        try {
            var server = HttpServer.create(new InetSocketAddress(address, 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            var files = new FileServer(server, address.getHostAddress());
            server.createContext("/", files::handle);
            server.start();
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The absolute URL of a path on this server. */
    public String url(String path) {
        return "http://" + host + ":" + server.getAddress().getPort() + path;
    }

    public FileServer file(String path, Path file) {
        routes.put(path, exchange -> send(exchange, file));
        return this;
    }

    /** Serves the file only after a pause, so the import that asked for it stays unfinished for a while. */
    public FileServer slowFile(String path, Path file, Duration pause) {
        routes.put(path, exchange -> {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(exchange, file);
        });
        return this;
    }

    public FileServer redirect(String path, String location) {
        routes.put(path, exchange -> {
            exchange.getResponseHeaders().set("Location", location);
            exchange.sendResponseHeaders(302, -1);
        });
        return this;
    }

    /** How many requests reached this server, whatever their path. */
    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            var route = routes.get(exchange.getRequestURI().getPath());
            if (route == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            route.answer(exchange);
        }
    }

    private static void send(HttpExchange exchange, Path file) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "video/mp4");
        exchange.sendResponseHeaders(200, Files.size(file));
        try (InputStream in = Files.newInputStream(file);
                OutputStream out = exchange.getResponseBody()) {
            in.transferTo(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
