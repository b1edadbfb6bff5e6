package dev.spool.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket, one request per connection, for requests no well-behaved client sends: malformed
 * paths and percent-encodings, bodies that end before their {@code Content-Length}, oversized headers; what a fuzzer
 * needs. The answer is read until its length, its last chunk or the connection's end (at most 4 MiB of body; none for
 * HEAD, 204, 304 or an event stream). An answer that does not arrive within the timeout is {@link NoAnswer}.
 */
public final class RawHttp {
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final String host;
    private final int port;
    private final int timeoutMillis;

    public RawHttp(String baseUrl) {
        this(baseUrl, 20_000);
    }

    public RawHttp(String baseUrl, int timeoutMillis) {
        URI uri = URI.create(baseUrl);
        this.host = uri.getHost();
        this.port = uri.getPort();
        this.timeoutMillis = timeoutMillis;
    }

    /** An answer: status, headers (lower-case names), body bytes, and whether the server closed the connection. */
    public record Answer(int status, Map<String, String> headers, byte[] body, boolean closed) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    /** No answer within the timeout, or the connection dropped without one. */
    public static final class NoAnswer extends IOException {
        NoAnswer(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Sends the request head as given (lines without their CRLF, after a {@code Host} line) and the body, and reads
     * the answer; {@code closeOutputAfterBody} tells the server no more bytes come (a body shorter than its length).
     */
    public Answer exchange(String requestLine, Map<String, String> headers, byte[] body, boolean closeOutputAfterBody)
            throws NoAnswer {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            var head = new StringBuilder(requestLine)
                    .append("\r\n")
                    .append("Host: ")
                    .append(host)
                    .append(':')
                    .append(port)
                    .append("\r\n");
            headers.forEach((name, value) ->
                    head.append(name).append(": ").append(value).append("\r\n"));
            head.append("\r\n");
            try {
                var out = socket.getOutputStream();
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                out.write(body);
                out.flush();
                if (closeOutputAfterBody) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // The server may answer and close before reading everything (a refused header or body): read on.
            }
            return read(socket.getInputStream(), requestLine.startsWith("HEAD "));
        } catch (SocketTimeoutException e) {
            throw new NoAnswer("no answer within " + timeoutMillis + " ms", e);
        } catch (NoAnswer e) {
            throw e;
        } catch (IOException e) {
            throw new NoAnswer("connection failed: " + e, e);
        }
    }

    /** As {@link #exchange}, for a test that expects an answer: none fails it. */
    public Answer send(String requestLine, Map<String, String> headers, byte[] body, boolean closeOutputAfterBody) {
        try {
            return exchange(requestLine, headers, body, closeOutputAfterBody);
        } catch (NoAnswer e) {
            throw new UncheckedIOException(requestLine + " failed", e);
        }
    }

    public Answer send(String requestLine, Map<String, String> headers) {
        var withClose = new LinkedHashMap<>(headers);
        withClose.putIfAbsent("Connection", "close");
        return send(requestLine, withClose, new byte[0], false);
    }

    private static Answer read(InputStream in, boolean head) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new NoAnswer("the connection closed without an answer", null);
        }
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        var headers = new LinkedHashMap<String, String>();
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.merge(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        boolean closed = "close".equalsIgnoreCase(headers.get("connection"));
        if (head
                || status == 204
                || status == 304
                || headers.getOrDefault("content-type", "").startsWith("text/event-stream")) {
            return new Answer(status, headers, new byte[0], closed);
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(in);
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes((int) Math.min(Long.parseLong(headers.get("content-length")), MAX_BODY));
        } else {
            body = in.readNBytes(MAX_BODY);
        }
        return new Answer(status, headers, body, closed);
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        var body = new ByteArrayOutputStream();
        for (String size = line(in); size != null; size = line(in)) {
            int length = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
            if (length == 0) {
                break;
            }
            if (body.size() < MAX_BODY) {
                body.write(in.readNBytes(length));
            } else {
                in.skipNBytes(length);
            }
            line(in);
        }
        return body.toByteArray();
    }

    /** A line without its CRLF; null at the connection's end before any byte of it. */
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
}
