package dev.spool.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts child processes so that they die with Spool, even by {@code kill -9}: on Linux each child runs under
 * {@code setpriv --pdeathsig KILL}, which has the kernel kill it when the thread that started it ends. That thread
 * is therefore one platform thread that lives as long as the JVM (never a virtual thread's carrier, which the JVM
 * may retire while the child still runs). Without setpriv children are started plainly; a restart reaps what they
 * leave (see {@link LeftoverWork}).
 */
final class ProcessSpawner {
    private static final Path SETPRIV = findSetpriv();
    private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("spool-process-spawner").factory());

    private ProcessSpawner() {}

    /**
     * The command as it is run: behind setpriv when the OS offers it. A program that cannot be run is started
     * plainly, so that starting it fails as it would without setpriv.
     */
    static List<String> wrap(List<String> command) {
        if (SETPRIV == null || !Files.isExecutable(Path.of(command.get(0)))) {
            return command;
        }
        var wrapped = new ArrayList<String>(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    static Process start(ProcessBuilder builder) throws IOException, InterruptedException {
        Future<Process> started = SPAWNER.submit(builder::start);
        try {
            return started.get();
        } catch (InterruptedException e) {
            // the spawner starts it all the same, and no caller would hold it to stop it
            stopOnceStarted(started);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("starting " + builder.command().get(0) + " failed", e.getCause());
        }
    }

    private static void stopOnceStarted(Future<Process> started) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    ChildProcess.killTree(started.get());
                    return;
                } catch (InterruptedException again) {
                    interrupted = true;
                } catch (ExecutionException failed) {
                    return;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Path findSetpriv() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path candidate = Path.of(dir, "setpriv");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
