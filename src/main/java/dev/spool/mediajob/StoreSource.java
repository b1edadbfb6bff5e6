package dev.spool.mediajob;

import dev.spool.media.MediaException;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A chunk's source in a remote object store, served to the chunk's ffmpeg by {@link LoopbackRanges}: each range
 * ffmpeg asks for is read from the store as it is sent, so ffmpeg seeks to the chunk and only its part is fetched. A
 * store read that breaks off is opened again where it stopped, after growing pauses; one that cannot be resumed ends
 * the answer short and is kept as {@link #throwIfFailed}'s failure, since ffmpeg takes a short answer for the end of
 * its input and may exit 0 with a short chunk. The store's own client does the reading: its credentials and
 * certificate checks never reach ffmpeg's command line.
 */
final class StoreSource implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;
    /** About half a minute of attempts to resume a read, the pause growing; any progress starts them over. */
    static final List<Duration> PAUSES = List.of(
            Duration.ofMillis(250),
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(15));

    private final ObjectStore store;
    private final String key;
    private final long length;
    private final List<Duration> pauses;
    private final LoopbackRanges server;
    private final AtomicReference<MediaException> failure = new AtomicReference<>();
    private volatile boolean closed;

    /**
     * Serves the object under {@code key}, {@code length} bytes long; the caller closes what this answers.
     *
     * @param pauses before each attempt to resume a read that broke off ({@link #PAUSES})
     */
    StoreSource(ObjectStore store, String key, long length, List<Duration> pauses) {
        this.store = store;
        this.key = key;
        this.length = length;
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
     * connection) and ends the answer; a failing store read is resumed or, at last, recorded and ends it short.
     */
    private void copy(long first, long count, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long position = first;
        long end = first + count;
        int failures = 0;
        while (position < end) {
            Exception broke = null;
            try (InputStream in = store.get(key, position, end - position)) {
                while (position < end) {
                    int read = in.read(buffer, 0, (int) Math.min(buffer.length, end - position));
                    if (read < 0) {
                        throw new IOException("the store's answer ended at byte " + position);
                    }
                    try {
                        out.write(buffer, 0, read);
                    } catch (IOException e) {
                        throw new ReaderGone(e);
                    }
                    position += read;
                    failures = 0;
                }
            } catch (ReaderGone e) {
                throw e;
            } catch (StorageException e) {
                if (e.code().equals(StorageException.NOT_FOUND)) {
                    throw failed(new MediaException(
                            "source_missing",
                            "the chunk's source " + key + " left " + store.describe()
                                    + " while it was read: the encode it belongs to has ended or started over",
                            false,
                            e));
                }
                broke = e;
            } catch (IOException | RuntimeException e) {
                broke = e;
            }
            if (position == end) {
                // all sent; only closing the store's answer failed
                return;
            }
            if (closed) {
                throw new IOException("the chunk's read ended", broke);
            }
            if (failures == pauses.size()) {
                throw failed(new MediaException(
                        "source_read_failed",
                        "reading the chunk's source from " + store.describe() + " broke off at byte " + position
                                + " of " + length + ", and resuming it failed " + failures + " times: "
                                + (broke.getMessage() == null ? broke.getClass().getSimpleName() : broke.getMessage()),
                        true,
                        broke));
            }
            pause(pauses.get(failures++));
        }
    }

    private IOException failed(MediaException e) {
        failure.compareAndSet(null, e);
        return new IOException(e.getMessage(), e);
    }

    private static void pause(Duration pause) throws IOException {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to read the chunk's source again", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        server.close();
    }

    /** Writing to ffmpeg failed: it closed the connection, which is how it seeks or stops. */
    private static final class ReaderGone extends IOException {
        ReaderGone(IOException cause) {
            super(cause);
        }
    }
}
