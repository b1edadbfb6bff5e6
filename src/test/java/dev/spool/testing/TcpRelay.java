package dev.spool.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Relays TCP connections to a database server, and can fail the path the ways a network does without a word: frozen,
 * it forwards nothing and closes nothing, like a cut cable; or only the connections open at one moment go silent for
 * good while new ones get through, as after a failover to another host.
 */
public final class TcpRelay implements AutoCloseable {
    private final ServerSocket server;
    private final String host;
    private final int port;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile boolean frozen;

    /** One relayed connection: the client's socket and the server's. */
    private static final class Link {
        final Socket client;
        final Socket upstream;
        volatile boolean silenced;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        boolean quiet(boolean frozen) {
            return (frozen || silenced) && !client.isClosed();
        }

        void cut() {
            close(client);
            close(upstream);
        }
    }

    private TcpRelay(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(this::accept);
    }

    /** A relay to the server a PostgreSQL JDBC URL names. */
    public static TcpRelay toServerOf(String jdbcUrl) {
        var address = Pattern.compile("//([^:/]+)(?::(\\d+))?/").matcher(jdbcUrl);
        if (!address.find()) {
            throw new IllegalArgumentException("no host in " + jdbcUrl);
        }
        try {
            return new TcpRelay(address.group(1), address.group(2) == null ? 5432 : Integer.parseInt(address.group(2)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same JDBC URL, through this relay. */
    public String relayed(String jdbcUrl) {
        return jdbcUrl.replaceFirst("//[^/]+/", "//127.0.0.1:" + server.getLocalPort() + "/");
    }

    /** Forwards nothing from now on and refuses new connections, until {@link #thaw()}. */
    public void freeze() {
        frozen = true;
    }

    /** Forwards again; connections frozen or silenced meanwhile are cut, as a dead path's are by then. */
    public void thaw() {
        for (var link : links) {
            link.cut();
        }
        links.clear();
        frozen = false;
    }

    /** The connections open now forward nothing more and stay open; new connections are relayed as before. */
    public void silenceOpenConnections() {
        for (var link : links) {
            link.silenced = true;
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                var client = server.accept();
                if (frozen) {
                    client.close();
                    continue;
                }
                var link = new Link(client, new Socket(host, port));
                links.add(link);
                Thread.ofPlatform().daemon().start(() -> pump(link, link.client, link.upstream));
                Thread.ofPlatform().daemon().start(() -> pump(link, link.upstream, link.client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Link link, Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                while (link.quiet(frozen)) {
                    Thread.sleep(10);
                }
                if (from.isClosed()) {
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // The other side or the test closed the connection.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            link.cut();
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thaw();
    }
}
