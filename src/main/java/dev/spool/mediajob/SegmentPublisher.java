package dev.spool.mediajob;

import dev.spool.media.SegmentListener;
import dev.spool.storage.ContentTypes;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.StorageException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes segments into an object store under a prefix while the pipeline still encodes, so the publishing step
 * only has the playlists, MP4s and whatever this could not write left to do. Segments only: a player finds nothing
 * before the playlists that name them, which {@link OutputPublisher} still writes last.
 */
public final class SegmentPublisher implements SegmentListener {
    private static final Logger log = LoggerFactory.getLogger(SegmentPublisher.class);
    private final ObjectStore store;
    private final String prefix;
    private final Set<String> published = ConcurrentHashMap.newKeySet();

    public SegmentPublisher(ObjectStore store, String prefix) {
        this.store = store;
        this.prefix = prefix;
    }

    @Override
    public void written(String file, Path path) {
        String key = OutputPublisher.key(prefix, file);
        store.putFinished(key, path, ContentTypes.forKey(key));
        published.add(file);
    }

    /**
     * Removes what this published, for a transcode that failed after some segments went out: a failed asset keeps
     * no half ladder. Best effort, one failure does not stop the others; a retry publishes everything again.
     */
    public void withdraw() {
        for (String file : List.copyOf(published)) {
            try {
                store.delete(OutputPublisher.key(prefix, file));
                published.remove(file);
            } catch (StorageException e) {
                log.warn("cannot remove the early-published segment {}: {}", file, e.getMessage());
            }
        }
    }

    /** The files of {@code files} this has not published yet, in their order. */
    public List<String> remaining(List<String> files) {
        return files.stream().filter(f -> !published.contains(f)).toList();
    }
}
