package dev.spool.mediajob;

import dev.spool.media.ArrivingInput;
import dev.spool.media.LogContext;
import dev.spool.media.MediaException;
import dev.spool.storage.FetchException;
import dev.spool.storage.FetchListener;
import dev.spool.storage.SourceFetcher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source being fetched into its file on a thread of its own, readable while it arrives: {@link LoopbackRanges}
 * serves the file to ffprobe and ffmpeg, and a read past what has arrived waits for it. When the fetch fails, every
 * read still waiting ends short, so ffmpeg stops, and the failure is what {@link #awaitWhole} throws, with the fetch's
 * code and message. Closing stops the fetch and the server.
 */
public final class ArrivingSource implements ArrivingInput, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ArrivingSource.class);
    private static final int PIECE = 64 * 1024;
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final Path file;
    private final LoopbackRanges server;
    private final Thread fetching;
    private final Object lock = new Object();
    /** Bytes in the file so far; guarded by {@link #lock}. */
    private long arrived;
    /** The length announced or, once whole, the final one; -1 while unknown. Guarded by {@link #lock}. */
    private long length = -1;

    private boolean whole;
    private MediaException failure;
    private boolean closed;

    private ArrivingSource(Path file, SourceFetcher fetcher, String url) {
        this.file = file;
        // The attempt's directory in the path tells which task an ffmpeg in the process list reads for.
        this.server = LoopbackRanges.start(
                file.toAbsolutePath().getParent().getFileName() + "/" + file.getFileName(),
                new LoopbackRanges.Resource() {
                    @Override
                    public long length() throws IOException {
                        return awaitLength();
                    }

                    @Override
                    public void copy(long first, long count, OutputStream out) throws IOException {
                        ArrivingSource.this.copy(first, count, out);
                    }
                });
        this.fetching =
                Thread.ofVirtual().name("source-fetch").unstarted(LogContext.carried(() -> fetch(fetcher, url)));
        fetching.start();
    }

    /** Starts fetching {@code url} into {@code target}; the caller closes what this answers. */
    public static ArrivingSource start(SourceFetcher fetcher, String url, Path target) {
        return new ArrivingSource(target, fetcher, url);
    }

    private void fetch(SourceFetcher fetcher, String url) {
        try {
            long total = fetcher.fetch(url, file, new FetchListener() {
                        @Override
                        public void written(long bytes) {
                            synchronized (lock) {
                                arrived = bytes;
                                lock.notifyAll();
                            }
                        }

                        @Override
                        public void announced(long bytes) {
                            synchronized (lock) {
                                length = bytes;
                                lock.notifyAll();
                            }
                        }
                    })
                    .bytesWritten();
            synchronized (lock) {
                arrived = total;
                length = total;
                whole = true;
                lock.notifyAll();
            }
        } catch (FetchException e) {
            fail(new MediaException(e.code(), e.getMessage(), e.retriable(), e));
        } catch (RuntimeException e) {
            fail(new MediaException("fetch_failed", "fetching the source failed: " + e, true, e));
        }
    }

    private void fail(MediaException e) {
        synchronized (lock) {
            failure = e;
            lock.notifyAll();
        }
    }

    @Override
    public String url() {
        return server.url();
    }

    /** Answers once the length is known too: a source that announces none is only read once whole. */
    @Override
    public byte[] head(int bytes) throws MediaException, InterruptedException {
        synchronized (lock) {
            while ((arrived < bytes || length < 0) && !whole) {
                waitForMore();
            }
        }
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(bytes);
        } catch (IOException e) {
            throw new MediaException("local_io", "cannot read the arriving source: " + e.getMessage(), true, e);
        }
    }

    @Override
    public void awaitWhole() throws MediaException, InterruptedException {
        synchronized (lock) {
            while (!whole) {
                waitForMore();
            }
        }
    }

    @Override
    public void throwIfFailed() throws MediaException {
        synchronized (lock) {
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** Waits, holding {@link #lock}, for the next change; throws once nothing more will arrive. */
    private void waitForMore() throws MediaException, InterruptedException {
        if (failure != null) {
            throw failure;
        }
        if (closed) {
            throw new MediaException("local_io", "the source stopped arriving: the attempt ended", true);
        }
        lock.wait();
        if (failure != null) {
            throw failure;
        }
    }

    /** The length to answer with: announced by the source, or known once the whole file is in. */
    private long awaitLength() throws IOException {
        synchronized (lock) {
            try {
                while (length < 0) {
                    waitForMore();
                }
                return length;
            } catch (MediaException | InterruptedException e) {
                throw new IOException("the source stopped arriving", e);
            }
        }
    }

    /** Sends {@code count} bytes from {@code first} as they arrive; throws, ending the body short, if they stop. */
    private void copy(long first, long count, OutputStream out) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            var sink = Channels.newChannel(out);
            long position = first;
            long end = first + count;
            while (position < end) {
                long available = awaitArrived(position + 1);
                long upTo = Math.min(end, Math.min(available, position + PIECE));
                position += channel.transferTo(position, upTo - position, sink);
            }
        }
    }

    private long awaitArrived(long bytes) throws IOException {
        synchronized (lock) {
            try {
                while (arrived < bytes && !whole) {
                    waitForMore();
                }
            } catch (MediaException | InterruptedException e) {
                throw new IOException("the source stopped arriving", e);
            }
            if (arrived < bytes) {
                throw new IOException("the source ended before byte " + bytes);
            }
            return arrived;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        fetching.interrupt();
        server.close();
        try {
            if (!fetching.join(STOP_WAIT)) {
                log.warn("the fetch of {} did not stop within {}", file.getFileName(), STOP_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
