package dev.spool.storage;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * An HTTP proxy on 127.0.0.1 in front of an S3 server that spoils uploads ({@code PUT}s) as a failing object store
 * does: it answers 500 {@code InternalError}, answers late, or closes the connection halfway through the body. Each
 * request gets a connection of its own ({@code Connection: close} both ways), so every one can be faulted. The
 * faults come from a script, one per {@code PUT} in order, then from a standing fault. Ranged downloads (a {@code GET}
 * with a {@code Range} header, as a chunk's source is read) are counted, and can be cut off after a number of bytes,
 * as a connection that drops does.
 */
final class FaultyS3Proxy implements AutoCloseable {
    /** What happens to one upload. */
    enum Fault {
        NONE,
        INTERNAL_ERROR,
        SLOW,
        CLOSE_MID_UPLOAD
    }

    private static final Duration SLOW = Duration.ofSeconds(2);
    private static final String INTERNAL_ERROR =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError"
                    + "</Code><Message>We encountered an internal error. Please try again.</Message></Error>";

    private final ServerSocket listener;
    private final URI target;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final ConcurrentLinkedQueue<Fault> script = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Fault> standing = new AtomicReference<>(Fault.NONE);
    private final Map<Fault, Integer> applied = new ConcurrentHashMap<>();
    private final AtomicLong rangedBytes = new AtomicLong();
    private final AtomicInteger rangedCutOff = new AtomicInteger();
    private volatile long cutRangedAfter = Long.MAX_VALUE;
    private volatile Predicate<String> failing = path -> false;
    private volatile Predicate<String> zeroing = path -> false;
    private final ConcurrentLinkedQueue<Upload> uploaded = new ConcurrentLinkedQueue<>();

    private FaultyS3Proxy(ServerSocket listener, URI target) {
        this.listener = listener;
        this.target = target;
    }

    static FaultyS3Proxy inFrontOf(URI target) {
        try {
            var proxy = new FaultyS3Proxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), target);
            proxy.threads.submit(proxy::accept);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * From now on, uploads to a path (bucket and key) that matches answer {@code InternalError}, whatever the script
     * and the standing fault say; {@code path -> false} ends it.
     */
    void failUploadsTo(Predicate<String> path) {
        failing = path;
    }

    /**
     * From now on, downloads (not ranged) of a path (bucket and key) that matches come back with every byte of their
     * body zero, at its length, as a store that lost the data under a valid answer; {@code path -> false} ends it.
     */
    void zeroDownloadsOf(Predicate<String> path) {
        zeroing = path;
    }

    /** One upload: its path (bucket and key) and the bytes of its body (none for a copy within the store). */
    record Upload(String path, long bytes) {}

    /** Every upload so far, in the order they came, faulted or not. */
    List<Upload> uploads() {
        return List.copyOf(uploaded);
    }

    /** The next uploads meet these faults, in order; later ones the standing fault. */
    void script(Fault... faults) {
        script.addAll(List.of(faults));
    }

    void standing(Fault fault) {
        standing.set(fault);
    }

    int applied(Fault fault) {
        return applied.getOrDefault(fault, 0);
    }

    /** Every response to a ranged download from now on ends after {@code bytes} (headers included). */
    void cutRangedDownloadsAfter(long bytes) {
        cutRangedAfter = bytes;
    }

    /** Bytes sent in answer to ranged downloads, headers included. */
    long rangedBytes() {
        return rangedBytes.get();
    }

    /** How many answers to ranged downloads were cut off. */
    int rangedCutOff() {
        return rangedCutOff.get();
    }

    /** The fixture's storage URL for {@code bucket}, reaching it through this proxy. */
    String storageUrl(S3ProxyFixture s3, String bucket) {
        return s3.storageUrl(bucket)
                .replace(":" + s3.port() + "/", ":" + endpoint().getPort() + "/");
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                threads.submit(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client;
                InputStream in = client.getInputStream();
                OutputStream out = client.getOutputStream()) {
            List<String> head = readHead(in);
            if (head.isEmpty()) {
                return;
            }
            String method = head.getFirst().split(" ")[0];
            long length = 0;
            boolean expectsContinue = false;
            boolean hasRange = false;
            var forwarded = new ArrayList<String>();
            forwarded.add(head.getFirst());
            for (String line : head.subList(1, head.size())) {
                String name = line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(line.indexOf(':') + 1).trim();
                if (name.equals("content-length")) {
                    length = Long.parseLong(value);
                }
                hasRange |= name.equals("range");
                if (name.equals("expect")) {
                    // The proxy answers 100 Continue itself, so that it can fault the body.
                    expectsContinue = value.equalsIgnoreCase("100-continue");
                } else if (!name.equals("connection")) {
                    forwarded.add(line);
                }
            }
            forwarded.add("Connection: close");
            Fault fault = Fault.NONE;
            if (method.equals("PUT")) {
                String path = URI.create(head.getFirst().split(" ")[1]).getPath();
                uploaded.add(new Upload(path, length));
                fault = failing.test(path) ? Fault.INTERNAL_ERROR : next();
            }
            applied.merge(fault, 1, Integer::sum);
            if (expectsContinue) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            if (fault == Fault.INTERNAL_ERROR) {
                // As S3 does, the error comes after the body was received.
                in.skipNBytes(length);
                byte[] body = INTERNAL_ERROR.getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/xml\r\n"
                                + "x-amz-request-id: FAULT\r\nContent-Length: " + body.length
                                + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                return;
            }
            if (fault == Fault.CLOSE_MID_UPLOAD) {
                in.readNBytes((int) Math.min(length / 2, Integer.MAX_VALUE));
                return;
            }
            if (fault == Fault.SLOW) {
                Thread.sleep(SLOW);
            }
            boolean ranged = method.equals("GET") && hasRange;
            boolean zeroed = method.equals("GET")
                    && !ranged
                    && zeroing.test(URI.create(head.getFirst().split(" ")[1]).getPath());
            forward(forwarded, in, length, ranged ? new RangedDownload(out) : zeroed ? new ZeroedBody(out) : out);
        } catch (IOException e) {
            // The client gave up on this connection: nothing to answer.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Fault next() {
        Fault scripted = script.poll();
        return scripted == null ? standing.get() : scripted;
    }

    private void forward(List<String> head, InputStream in, long length, OutputStream out) throws IOException {
        try (var server = new Socket(target.getHost(), target.getPort())) {
            OutputStream toServer = server.getOutputStream();
            toServer.write((String.join("\r\n", head) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            copy(in, toServer, length);
            toServer.flush();
            server.getInputStream().transferTo(out);
        }
    }

    /** Counts what goes back to a ranged download, and cuts it off past the set number of bytes. */
    private final class RangedDownload extends FilterOutputStream {
        private long sent;

        RangedDownload(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int allowed = (int) Math.min(len, Math.max(0, cutRangedAfter - sent));
            out.write(b, off, allowed);
            sent += allowed;
            rangedBytes.addAndGet(allowed);
            if (allowed < len) {
                rangedCutOff.incrementAndGet();
                throw new IOException("cut off after " + sent + " bytes");
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }
    }

    /** Passes an answer's head through and zeroes every byte of its body. */
    private static final class ZeroedBody extends FilterOutputStream {
        private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        private int matched;

        ZeroedBody(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            if (matched == HEAD_END.length) {
                out.write(0);
                return;
            }
            matched = b == HEAD_END[matched] ? matched + 1 : (b == HEAD_END[0] ? 1 : 0);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }
    }

    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new IOException("the client ended its body early");
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }

    private static List<String> readHead(InputStream in) throws IOException {
        var lines = new ArrayList<String>();
        var line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
                line.reset();
            } else if (b != '\r') {
                line.write(b);
            }
        }
        return List.of();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.shutdownNow();
    }
}
