package dev.spool.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An HTTP service on 127.0.0.1 (the JDK's server on a random port) playing a destination Spool sends files to: a
 * user's upload URL, Pinata, a kubo node. It records every request whole and answers what its replier says.
 */
public final class HttpReceiver implements AutoCloseable {

    /** One request as it arrived: method, path with query, headers (lower-case names), the exact body. */
    public record Received(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The bytes of the multipart/form-data part named {@code name}. */
        public byte[] part(String name) {
            return Multipart.part(header("content-type"), body, name).body();
        }

        /** The headers of the multipart/form-data part named {@code name}, as one text block. */
        public String partHeaders(String name) {
            return Multipart.part(header("content-type"), body, name).headers();
        }

        public String partText(String name) {
            return new String(part(name), StandardCharsets.UTF_8);
        }
    }

    /** An answer: status, content type and body. */
    public record Reply(int status, String contentType, String body) {
        public static Reply json(int status, String body) {
            return new Reply(status, "application/json", body);
        }

        public static Reply status(int status) {
            return new Reply(status, "text/plain", "status " + status);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Reply> replier;

    private HttpReceiver(HttpServer server, Function<Received, Reply> replier) {
        this.server = server;
        this.replier = replier;
    }

    public static HttpReceiver start(Function<Received, Reply> replier) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            HttpReceiver receiver = new HttpReceiver(server, replier);
            server.createContext("/", receiver::handle);
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Changes what later requests are answered. */
    public void replyWith(Function<Received, Reply> value) {
        replier = value;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            byte[] body = exchange.getRequestBody().readAllBytes();
            Received request = new Received(
                    exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body);
            received.add(request);
            Reply reply = replier.apply(request);
            byte[] answer = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.status(), answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
