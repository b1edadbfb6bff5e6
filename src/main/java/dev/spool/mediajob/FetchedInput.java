package dev.spool.mediajob;

import java.nio.file.Path;

/**
 * The input as a fetch step leaves it: in {@code file}, whole, or still arriving there, when {@code arriving} is
 * not null. Closing stops a fetch still running.
 */
public record FetchedInput(Path file, ArrivingSource arriving) implements AutoCloseable {

    public static FetchedInput whole(Path file) {
        return new FetchedInput(file, null);
    }

    @Override
    public void close() {
        if (arriving != null) {
            arriving.close();
        }
    }
}
