package dev.spool.media;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one ffmpeg/ffprobe child process to completion. Keeps only the tail of stderr (enough for
 * an error message, never a whole log), and kills the whole process tree when the waiting thread
 * is interrupted or the time limit passes, so a cancelled task frees its CPU at once. Children die with the JVM
 * where the OS allows ({@link ProcessSpawner}).
 */
final class ChildProcess {

    private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);
    private static final int STDERR_TAIL_LINES = 12;
    private static final int STDERR_LINE_MAX = 400;
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

    record Result(int exitCode, String stdout, String stderrTail) {
        boolean ok() {
            return exitCode == 0;
        }

        /** The retriable failure of an ffmpeg that did not exit 0 while {@code doing} ("joining the chunks"). */
        MediaException failure(String code, String doing) {
            return new MediaException(code, "ffmpeg failed (exit " + exitCode + ") " + doing + ": " + stderrTail, true);
        }
    }

    private ChildProcess() {}

    /**
     * Runs {@code command}; each stdout line goes to {@code stdoutLines} when given, otherwise
     * stdout is collected into the result.
     */
    static Result run(
            List<String> command,
            Map<String, String> environment,
            Path workingDir,
            Consumer<String> stdoutLines,
            Duration timeout)
            throws InterruptedException, MediaException {
        ProcessBuilder builder = new ProcessBuilder(ProcessSpawner.wrap(command));
        builder.environment().putAll(environment);
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        Process process;
        try {
            process = ProcessSpawner.start(builder);
        } catch (IOException e) {
            throw new MediaException(
                    "ffmpeg_failed", "cannot start " + command.get(0) + ": " + e.getMessage(), true, e);
        }
        try {
            // ffmpeg reads keyboard commands from stdin; an immediate end of input keeps it from waiting
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed: nothing to feed it anyway
        }
        StringBuilder collected = new StringBuilder();
        Deque<String> tail = new ArrayDeque<>();
        Thread outReader = Thread.ofVirtual()
                .start(LogContext.carried(() -> readLines(process.getInputStream(), line -> {
                    if (stdoutLines != null) {
                        stdoutLines.accept(line);
                    } else {
                        collected.append(line).append('\n');
                    }
                })));
        Thread errReader = Thread.ofVirtual()
                .start(LogContext.carried(() -> readLines(process.getErrorStream(), line -> {
                    synchronized (tail) {
                        tail.addLast(line.length() > STDERR_LINE_MAX ? line.substring(0, STDERR_LINE_MAX) : line);
                        if (tail.size() > STDERR_TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                })));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process);
                throw new MediaException(
                        "ffmpeg_timeout",
                        command.get(0) + " did not finish within " + timeout.toSeconds() + " s",
                        true);
            }
            outReader.join();
            errReader.join();
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        }
        String stderr;
        synchronized (tail) {
            stderr = String.join("\n", tail);
        }
        return new Result(process.exitValue(), collected.toString(), stderr);
    }

    /** Kills the process and all its descendants, waiting at most two seconds for them to go. */
    static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        long deadline = System.nanoTime() + KILL_GRACE.toNanos();
        try {
            process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            for (ProcessHandle child : descendants) {
                long left = Math.max(0, deadline - System.nanoTime());
                child.onExit().get(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // a descendant that outlives the grace period has already been sent SIGKILL; nothing more to do
        }
    }

    private static void readLines(InputStream stream, Consumer<String> sink) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                try {
                    sink.accept(line);
                } catch (RuntimeException e) {
                    // a failing progress consumer must not stop the draining: a full pipe would stall ffmpeg
                    log.warn("ignoring a failure of an output consumer: {}", e.toString());
                }
            }
        } catch (IOException e) {
            // the pipe breaks when the process is killed; what was read so far is all there is
        }
    }
}
