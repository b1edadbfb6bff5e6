package dev.spool.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket, one request per connection: unlike {@code java.net.http} it sends any request line,
 * header and body as given (malformed percent-encodings, huge headers, a body shorter than its Content-Length), which
 * is what a fuzzer needs. A response that does not arrive within the timeout is reported as a hang.
 */
final class RawHttp {
    private static final int MAX_BODY = 4 * 1024 * 1024;

    /** A request as it goes on the wire; {@code declaredLength} larger than the body means the client stops early. */
    record Request(String method, String target, Map<String, String> headers, byte[] body, long declaredLength) {
        String reproducer() {
            var text = new StringBuilder(method)
                    .append(' ')
                    .append(abbreviate(target, 300))
                    .append('\n');
            headers.forEach((name, value) -> text.append("  ")
                    .append(name)
                    .append(": ")
                    .append(abbreviate(value, 200))
                    .append('\n'));
            if (declaredLength != body.length) {
                text.append("  (Content-Length ")
                        .append(declaredLength)
                        .append(", ")
                        .append(body.length)
                        .append(" bytes sent, then EOF)\n");
            }
            if (body.length > 0) {
                boolean json = headers.getOrDefault("Content-Type", "").contains("json");
                text.append("  body: ")
                        .append(
                                json
                                        ? abbreviate(new String(body, StandardCharsets.UTF_8), 600)
                                        : body.length + " random bytes")
                        .append('\n');
            }
            return text.toString();
        }
    }

    /** A response; headers are keyed by lower-case name. {@code streamed} bodies (event streams) are not read. */
    record Response(int status, Map<String, String> headers, String body) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    /** No answer within the timeout, or the connection dropped without one. */
    static final class NoAnswer extends Exception {
        NoAnswer(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final int port;
    private final int timeoutMillis;

    RawHttp(int port, int timeoutMillis) {
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    Response send(Request request) throws NoAnswer {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            var head = new StringBuilder(request.method())
                    .append(' ')
                    .append(request.target())
                    .append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:")
                    .append(port)
                    .append("\r\n")
                    .append("Connection: close\r\n");
            request.headers()
                    .forEach((name, value) ->
                            head.append(name).append(": ").append(value).append("\r\n"));
            if (request.body().length > 0 || request.declaredLength() > 0 || hasBodyMethod(request.method())) {
                head.append("Content-Length: ").append(request.declaredLength()).append("\r\n");
            }
            head.append("\r\n");
            try {
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                out.write(request.body());
                out.flush();
                if (request.declaredLength() != request.body().length) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // The server may answer and close before reading everything (a refused header or body): read on.
            }
            return read(socket.getInputStream(), request.method().equals("HEAD"));
        } catch (SocketTimeoutException e) {
            throw new NoAnswer("no answer within " + timeoutMillis + " ms", e);
        } catch (IOException e) {
            throw new NoAnswer("connection failed: " + e, e);
        }
    }

    private static boolean hasBodyMethod(String method) {
        return List.of("POST", "PUT", "PATCH").contains(method);
    }

    private static Response read(InputStream in, boolean head) throws IOException, NoAnswer {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new NoAnswer("the connection closed without a response", null);
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        var headers = new LinkedHashMap<String, String>();
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.merge(
                    header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    header.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        if (head
                || status == 204
                || status == 304
                || headers.getOrDefault("content-type", "").startsWith("text/event-stream")) {
            return new Response(status, headers, "");
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(in);
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes((int) Math.min(Long.parseLong(headers.get("content-length")), MAX_BODY));
        } else {
            body = in.readNBytes(MAX_BODY);
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        var body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            if (size == null) {
                return body.toByteArray();
            }
            int length = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
            if (length == 0) {
                return body.toByteArray();
            }
            if (body.size() < MAX_BODY) {
                body.write(in.readNBytes(length));
            } else {
                in.skipNBytes(length);
            }
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        var bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
            }
            if (b != '\r') {
                bytes.write(b);
            }
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    static String abbreviate(String text, int max) {
        String line = text.replaceAll("\\s*\n\\s*", " ");
        return line.length() <= max ? line : line.substring(0, max) + "...(" + line.length() + " chars)";
    }
}
