package dev.spool.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.spool.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on 127.0.0.1 (the JDK's HTTP server on a random port): it records every request and answers
 * the statuses it was told to, in order, then its default status; a 429 comes with a Retry-After.
 */
final class Receiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What a 429 answer asks for. */
    static final int RETRY_AFTER_SECONDS = 1;

    private final HttpServer server;
    private final int defaultStatus;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();

    /** How one request is answered: {@code status} after {@code delay}, or no answer at all ({@code hangUp}). */
    private record Answer(int status, Duration delay, boolean hangUp) {}

    private final List<Received> received = new ArrayList<>();

    /** One request as it arrived: the method, headers (lower-case names) and the exact body bytes. */
    record Received(String method, Map<String, String> headers, byte[] body, long at) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String event() {
            return json().path("event").asText();
        }

        @Override
        public String toString() {
            return method + " " + text();
        }

        /**
         * Verifies {@code Livepeer-Signature} as a receiver would: {@code t} equals the body's timestamp and
         * {@code v1} is the HMAC-SHA256 of the raw body with the secret, compared in constant time.
         */
        boolean signedWith(String secret) {
            String header = headers.get("livepeer-signature");
            if (header == null) {
                return false;
            }
            var parts = new TreeMap<String, String>();
            for (String part : header.split(",")) {
                String[] pair = part.split("=", 2);
                parts.put(pair[0].trim(), pair.length > 1 ? pair[1].trim() : "");
            }
            if (!parts.getOrDefault("t", "")
                    .equals(Long.toString(json().path("timestamp").asLong()))) {
                return false;
            }
            try {
                var mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                byte[] expected = mac.doFinal(body);
                return MessageDigest.isEqual(expected, HexFormat.of().parseHex(parts.getOrDefault("v1", "")));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                return false;
            }
        }
    }

    private Receiver(HttpServer server, int defaultStatus) {
        this.server = server;
        this.defaultStatus = defaultStatus;
    }

    static Receiver start() {
        return start(200);
    }

    static Receiver start(int defaultStatus) {
        return startOn(0, defaultStatus);
    }

    /** A receiver on this port (0: any free one), as a receiver that was down comes back where it was. */
    static Receiver startOn(int port, int defaultStatus) {
        try {
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            var receiver = new Receiver(server, defaultStatus);
            server.createContext("/", receiver::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next requests get these statuses, in order; later ones the default. */
    Receiver answering(int... statuses) {
        for (int status : statuses) {
            script.add(new Answer(status, Duration.ZERO, false));
        }
        return this;
    }

    /** The next request is answered 200, but only after {@code delay}. */
    Receiver answeringAfter(Duration delay) {
        script.add(new Answer(200, delay, false));
        return this;
    }

    /** The next request gets no answer: the connection is closed under it, as a network error would. */
    Receiver hangingUp() {
        script.add(new Answer(0, Duration.ZERO, true));
        return this;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits until what was received satisfies the condition; fails saying what arrived. */
    List<Received> await(Predicate<List<Received>> condition, Duration timeout, String what) {
        return Await.until(this::received, condition, timeout, what);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var headers = new TreeMap<String, String>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            synchronized (received) {
                received.add(new Received(exchange.getRequestMethod(), headers, body, System.currentTimeMillis()));
            }
            Answer answer = script.poll();
            if (answer == null) {
                answer = new Answer(defaultStatus, Duration.ZERO, false);
            }
            if (answer.hangUp()) {
                return;
            }
            try {
                Thread.sleep(answer.delay());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            int status = answer.status();
            byte[] text = ("answered " + status).getBytes(StandardCharsets.UTF_8);
            if (status == 429) {
                exchange.getResponseHeaders().add("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            }
            exchange.sendResponseHeaders(status, text.length);
            exchange.getResponseBody().write(text);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
