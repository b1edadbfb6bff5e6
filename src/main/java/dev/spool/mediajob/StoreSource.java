package dev.spool.mediajob;

import dev.spool.media.MediaException;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.ResumingRead;
import dev.spool.storage.StorageException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A chunk's source in a remote object store, served to the chunk's ffmpeg by {@link LoopbackRanges}: each range
 * ffmpeg asks for is read from the store as it is sent ({@link ResumingRead}: a read that breaks off is resumed), so
 * ffmpeg seeks to the chunk and only its part is fetched. A read that fails for good ends the answer short and is kept
 * as {@link #throwIfFailed}'s failure, since ffmpeg takes a short answer for the end of its input and may exit 0 with
 * a short chunk. The store's own client does the reading: its credentials and certificate checks never reach
 * ffmpeg's command line.
 */
final class StoreSource implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;

    private final ObjectStore store;
    private final String key;
    private final List<Duration> pauses;
    private final LoopbackRanges server;
    private final AtomicReference<MediaException> failure = new AtomicReference<>();
    private final AtomicLong requests = new AtomicLong();
    private volatile boolean closed;

    /**
     * Serves the object under {@code key}, {@code length} bytes long; the caller closes what this answers.
     *
     * @param pauses before each attempt to resume a read that broke off ({@link ResumingRead#PAUSES})
     */
    StoreSource(ObjectStore store, String key, long length, List<Duration> pauses) {
        this.store = store;
        this.key = key;
        this.pauses = List.copyOf(pauses);
        this.server = LoopbackRanges.start(key, new LoopbackRanges.Resource() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public void copy(long first, long count, OutputStream out) throws IOException {
                StoreSource.this.copy(first, count, out);
            }
        });
    }

    /** Where ffmpeg reads the object. */
    String url() {
        return server.url();
    }

    /** Throws what kept a read of the store from completing, if one failed for good; returns at once either way. */
    void throwIfFailed() throws MediaException {
        MediaException failed = failure.get();
        if (failed != null) {
            throw failed;
        }
    }

    /**
     * Sends {@code count} bytes from {@code first}. A failing write means ffmpeg has gone (it seeks by closing the
     * connection) and ends the answer; a store read that failed for good ends it short and is recorded, unless a
     * later request came meanwhile: ffmpeg reads its one input on one connection at a time, so a request that another
     * followed was abandoned (asking again is how it seeks), and what it missed was not wanted.
     */
    private void copy(long first, long count, OutputStream out) throws IOException {
        long request = requests.incrementAndGet();
        if (count == 0) {
            return;
        }
        byte[] buffer = new byte[BUFFER];
        try (var in = new ResumingRead(store, key, first, count, pauses)) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
            }
        } catch (ResumingRead.Failed e) {
            if (!closed && requests.get() == request) {
                failure.compareAndSet(null, failureOf(e));
            }
            throw e;
        }
    }

    /** What the chunk fails with: its source gone (for good), or a read of it that the store kept failing. */
    private MediaException failureOf(ResumingRead.Failed e) {
        if (e.failure().code().equals(StorageException.NOT_FOUND)) {
            return new MediaException(
                    "source_missing",
                    "the chunk's source " + key + " left " + store.describe()
                            + " while it was read: the encode it belongs to has ended or started over",
                    false,
                    e);
        }
        return new MediaException(
                "source_read_failed",
                "reading the chunk's source failed: " + e.getMessage(),
                e.failure().retriable(),
                e);
    }

    @Override
    public void close() {
        closed = true;
        server.close();
    }
}
