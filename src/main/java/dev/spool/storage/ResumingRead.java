package dev.spool.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;

/**
 * A range of an object read from a store whose answers may break off (a remote one, over the network): an answer that
 * fails is asked for again from where it stopped, after growing pauses, any progress starting them over. What cannot
 * be resumed, or should not be (the object is gone, access is refused), throws {@link Failed}; a reader never sees a
 * short read as the end. Read by one thread at a time.
 */
public final class ResumingRead extends InputStream {
    /** About half a minute of attempts to resume, the pause growing. */
    public static final List<Duration> PAUSES = List.of(
            Duration.ofMillis(250),
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(15));

    private final ObjectStore store;
    private final String key;
    private final long end;
    private final List<Duration> pauses;
    private long position;
    private int failures;
    private InputStream answer;
    private boolean closed;

    /**
     * Reads {@code length} bytes of the object under {@code key} from {@code offset}, pausing as {@code pauses} say; the
     * first read asks the store.
     */
    public ResumingRead(ObjectStore store, String key, long offset, long length, List<Duration> pauses) {
        if (offset < 0 || length <= 0) {
            // a range the store would refuse: asking it again and again would not help
            throw new IllegalArgumentException("no bytes to read at offset " + offset + ", length " + length);
        }
        this.store = store;
        this.key = key;
        this.position = offset;
        this.end = offset + length;
        this.pauses = List.copyOf(pauses);
    }

    /**
     * As the constructor, asking the store at once: what keeps it from answering is thrown here, as
     * {@link ObjectStore#get(String, long, long)} throws it, for a caller that has not answered its own client yet.
     */
    public static ResumingRead opened(ObjectStore store, String key, long offset, long length, List<Duration> pauses) {
        var read = new ResumingRead(store, key, offset, length, pauses);
        read.answer = store.get(key, offset, length);
        return read;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("the read of '" + key + "' was closed");
        }
        if (position == end) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        while (true) {
            Exception broke;
            try {
                if (answer == null) {
                    answer = store.get(key, position, end - position);
                }
                int read = answer.read(buffer, offset, (int) Math.min(length, end - position));
                if (read < 0) {
                    throw new IOException("the store's answer ended at byte " + position);
                }
                position += read;
                failures = 0;
                return read;
            } catch (StorageException e) {
                if (!e.retriable()) {
                    throw new Failed(e);
                }
                broke = e;
            } catch (IOException | RuntimeException e) {
                broke = e;
            }
            closeAnswer();
            if (failures == pauses.size()) {
                throw new Failed(new StorageException(
                        StorageException.IO_ERROR,
                        "reading '" + key + "' from " + store.describe() + " broke off at byte " + position
                                + ", and resuming it failed " + failures + " times: "
                                + (broke.getMessage() == null ? broke.getClass().getSimpleName() : broke.getMessage()),
                        true,
                        broke));
            }
            pause(pauses.get(failures++));
        }
    }

    private static void pause(Duration pause) throws InterruptedIOException {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to read from the store again");
        }
    }

    private void closeAnswer() {
        if (answer != null) {
            try {
                answer.close();
            } catch (IOException | RuntimeException e) {
                // the answer broke off already: nothing more to learn from it
            }
            answer = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        closeAnswer();
    }

    /** A read that failed for good: the store's failure as an I/O error, since readers of a stream expect one. */
    public static final class Failed extends IOException {
        private final StorageException failure;

        Failed(StorageException failure) {
            super(failure.getMessage(), failure);
            this.failure = failure;
        }

        /** What failed, with the store's code for it. */
        public StorageException failure() {
            return failure;
        }
    }
}
