package dev.spool.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private directory inside the output directory where ffmpeg writes. Nothing appears under the
 * output directory's real names until the whole run succeeded; then the results are renamed into
 * place (same file system, so no copying), and the directory is always deleted at the end.
 */
final class WorkDir implements AutoCloseable {

    private final Path outputDir;
    private final Path dir;

    private WorkDir(Path outputDir, Path dir) {
        this.outputDir = outputDir;
        this.dir = dir;
    }

    static WorkDir create(Path outputDir) throws IOException {
        Files.createDirectories(outputDir);
        return new WorkDir(outputDir, Files.createTempDirectory(outputDir, ".spool-work-"));
    }

    Path path() {
        return dir;
    }

    Path resolve(String relative) {
        return dir.resolve(relative);
    }

    /** Moves every entry of the work directory into the output directory; returns the files, relative, sorted. */
    List<String> publish() throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                Path target = outputDir.resolve(entry.getFileName().toString());
                deleteTree(target);
                Files.move(entry, target, StandardCopyOption.ATOMIC_MOVE);
                try (Stream<Path> walk = Files.walk(target)) {
                    walk.filter(Files::isRegularFile)
                            .forEach(f ->
                                    files.add(outputDir.relativize(f).toString().replace('\\', '/')));
                }
            }
        }
        files.sort(Comparator.naturalOrder());
        return files;
    }

    @Override
    public void close() {
        deleteTree(dir);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary file must not turn a finished run into a failure
        }
    }
}
