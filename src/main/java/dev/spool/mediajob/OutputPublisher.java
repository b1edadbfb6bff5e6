package dev.spool.mediajob;

import dev.spool.storage.ContentTypes;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.StorageException;
import dev.spool.task.engine.TaskFailure;
import java.nio.file.Path;
import java.util.List;
import java.util.function.DoubleConsumer;

/**
 * Stores a pipeline's output files in an object store under a prefix, media playlists after their segments and
 * the master playlist last, so a player that finds a playlist finds everything it names. The files are finished:
 * a local store keeps them without copying their bytes ({@link ObjectStore#putFinished}).
 */
public final class OutputPublisher {
    private OutputPublisher() {}

    public static void publish(ObjectStore store, String prefix, Path dir, List<String> files, DoubleConsumer progress)
            throws TaskFailure, InterruptedException {
        var ordered = files.stream()
                .sorted((a, b) -> Integer.compare(rank(a), rank(b)))
                .toList();
        for (int i = 0; i < ordered.size(); i++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("publishing was interrupted");
            }
            String file = ordered.get(i);
            String key = key(prefix, file);
            try {
                store.putFinished(key, dir.resolve(file), ContentTypes.forKey(key));
            } catch (StorageException e) {
                throw Failures.storage(e, "writing " + key);
            }
            progress.accept((i + 1) / (double) ordered.size());
        }
    }

    static String key(String prefix, String file) {
        return prefix.isEmpty() ? file : prefix + "/" + file;
    }

    /** Segments and media first, then media playlists, then the master ({@code index.m3u8} at the top). */
    private static int rank(String file) {
        if (file.equals("index.m3u8")) {
            return 2;
        }
        return file.endsWith(".m3u8") ? 1 : 0;
    }
}
