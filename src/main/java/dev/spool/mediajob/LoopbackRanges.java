package dev.spool.mediajob;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves one resource to the ffmpeg and ffprobe processes of this machine: a loopback HTTP server on a port of its
 * own answers GET and HEAD of one path nobody can guess, with byte ranges, so that ffmpeg seeks in it as in a file.
 */
final class LoopbackRanges implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    /** What is served. */
    interface Resource {
        /** Its length in bytes; may wait until it is known. */
        long length() throws IOException;

        /** Writes {@code count} bytes from {@code first} to {@code out}; throws, ending the answer short, if it cannot. */
        void copy(long first, long count, OutputStream out) throws IOException;
    }

    private final HttpServer http;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final String path;
    private final Resource resource;

    private LoopbackRanges(HttpServer http, String path, Resource resource) {
        this.http = http;
        this.path = path;
        this.resource = resource;
        http.setExecutor(handlers);
        http.createContext(path, this::serve);
        http.start();
    }

    /**
     * Starts serving {@code resource}; the caller closes what this answers.
     *
     * @param name the end of the path, after a random part: what an ffmpeg in the process list reads
     */
    static LoopbackRanges start(String name, Resource resource) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback port to serve " + name + " from", e);
        }
        byte[] token = new byte[16];
        new SecureRandom().nextBytes(token);
        return new LoopbackRanges(http, "/" + HexFormat.of().formatHex(token) + "/" + name, resource);
    }

    String url() {
        return "http://" + http.getAddress().getAddress().getHostAddress() + ":"
                + http.getAddress().getPort() + path;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            long total = resource.length();
            long first = 0;
            long last = total - 1;
            Matcher range =
                    RANGE.matcher(String.valueOf(exchange.getRequestHeaders().getFirst("Range")));
            boolean partial = range.matches();
            if (partial) {
                first = Long.parseLong(range.group(1));
                if (!range.group(2).isEmpty()) {
                    last = Math.min(last, Long.parseLong(range.group(2)));
                }
                if (first >= total || last < first) {
                    exchange.getResponseHeaders().set("Content-Range", "bytes */" + total);
                    exchange.sendResponseHeaders(416, -1);
                    return;
                }
                exchange.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + total);
            }
            exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            // ffmpeg asks for each range on a connection of its own (Connection: close) yet, told nothing back, tries
            // the next request on the same one, which the server has closed: a failed read it may not recover from
            exchange.getResponseHeaders().set("Connection", "close");
            long count = last - first + 1;
            boolean head = method.equals("HEAD");
            if (head) {
                exchange.getResponseHeaders().set("Content-Length", Long.toString(count));
            }
            exchange.sendResponseHeaders(partial ? 206 : 200, head ? -1 : count);
            if (!head) {
                resource.copy(first, count, exchange.getResponseBody());
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
        handlers.shutdownNow();
    }
}
