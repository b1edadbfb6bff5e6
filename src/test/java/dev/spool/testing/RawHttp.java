package dev.spool.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client sends: malformed paths, bodies that end before
 * their {@code Content-Length}, oversized headers. The answer is read until its length, its last chunk or the
 * connection's end.
 */
public final class RawHttp {
    private final String host;
    private final int port;

    public RawHttp(String baseUrl) {
        URI uri = URI.create(baseUrl);
        this.host = uri.getHost();
        this.port = uri.getPort();
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

    /** Sends the request head as given (lines without their CRLF) and the body, and reads the answer. */
    public Answer send(String requestLine, Map<String, String> headers, byte[] body, boolean closeOutputAfterBody) {
        try (var socket = new Socket(host, port)) {
            socket.setSoTimeout(20_000);
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
            var out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            if (closeOutputAfterBody) {
                socket.shutdownOutput();
            }
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(requestLine + " failed", e);
        }
    }

    public Answer send(String requestLine, Map<String, String> headers) {
        var withClose = new LinkedHashMap<>(headers);
        withClose.putIfAbsent("Connection", "close");
        return send(requestLine, withClose, new byte[0], false);
    }

    private static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        var headers = new LinkedHashMap<String, String>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.merge(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        var body = new ByteArrayOutputStream();
        String length = headers.get("content-length");
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                    size > 0;
                    size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
            line(in);
        } else if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length)));
        } else {
            in.transferTo(body);
        }
        boolean closed = "close".equalsIgnoreCase(headers.get("connection"));
        return new Answer(status, headers, body.toByteArray(), closed);
    }

    private static String line(InputStream in) throws IOException {
        var line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the connection ended inside the answer's head");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
