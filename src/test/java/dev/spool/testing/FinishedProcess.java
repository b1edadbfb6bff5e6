package dev.spool.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A process a test ran to its end, with what it printed. */
public record FinishedProcess(int exitCode, String stdout, String stderr) {

    /** Starts {@code builder} (its output goes to files in {@code dir}) and waits for it; fails the test past {@code limit}. */
    public static FinishedProcess run(ProcessBuilder builder, Path dir, Duration limit)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "stdout-", ".txt");
        Path err = Files.createTempFile(dir, "stderr-", ".txt");
        Process process =
                builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(builder.command() + " was expected to finish within " + limit + " but still runs");
        }
        return new FinishedProcess(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
