package dev.spool.testing;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every thread of this JVM, virtual ones included, written to a file when a request to a test server goes unanswered:
 * the server runs in this JVM, so the dump shows where its handler was waiting, which a rare stall otherwise never
 * tells.
 */
final class ThreadDump {
    private static final Path DIR = Path.of("target", "thread-dumps");

    private ThreadDump() {}

    /** Writes the dump and says where, for a failure's message. */
    static String written() {
        try {
            Files.createDirectories(DIR);
            Path file = DIR.resolve("threads-" + System.currentTimeMillis() + "-" + System.nanoTime() + ".txt");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toAbsolutePath().toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            return " (every thread of the JVM at that moment: " + file.toAbsolutePath() + ")";
        } catch (IOException | RuntimeException e) {
            return " (no thread dump: " + e + ")";
        }
    }
}
