package dev.spool.cli;

import dev.spool.config.ConfigException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Refuses a start whose HTTP port cannot be listened on, before workers or the store start. */
final class PortCheck {

    private PortCheck() {}

    static void ensureFree(int port) {
        if (port == 0) {
            return;
        }
        try (var socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (BindException e) {
            throw new ConfigException((e.getMessage().contains("in use")
                            ? "port " + port + " is already in use"
                            : "cannot listen on port " + port + ": " + e.getMessage())
                    + "; stop what listens there or choose another port with --port or SPOOL_PORT");
        } catch (IOException e) {
            throw new ConfigException("cannot listen on port " + port + ": " + e.getMessage());
        }
    }
}
