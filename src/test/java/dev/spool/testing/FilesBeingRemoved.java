package dev.spool.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reads a directory the server may be removing at the same time, as tests that wait for its removal do. */
public final class FilesBeingRemoved {
    private FilesBeingRemoved() {}

    /**
     * The regular files under {@code root}, none when it is gone; walked again when a directory goes while it is
     * walked, since a walk fails on a directory removed under it.
     */
    public static List<Path> under(Path root) {
        while (true) {
            if (!Files.exists(root)) {
                return List.of();
            }
            try (var walk = Files.walk(root)) {
                return walk.filter(Files::isRegularFile).toList();
            } catch (NoSuchFileException e) {
                // the root went between the check and the walk: look again
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException)) {
                    throw e;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
