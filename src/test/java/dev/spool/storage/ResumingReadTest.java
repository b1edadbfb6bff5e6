package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A range of an object read from a store whose answers fail now and then: each failure is asked for again from where
 * the answer stopped, after a pause, until the pauses run out with no progress; what should not be asked again (the
 * object gone, access refused) fails at once.
 */
class ResumingReadTest {
    private static final byte[] OBJECT = bytes(10_000);
    private static final List<Duration> PAUSES = Collections.nCopies(3, Duration.ofMillis(1));

    private final ScriptedStore store = new ScriptedStore();

    @Test
    void givenEveryAnswerBreakingOffAfterAFewBytes_whenTheRangeIsRead_thenEachIsResumedWhereItStopped()
            throws IOException {
        store.breakEveryAnswerAfter(777);

        byte[] read;
        try (var in = new ResumingRead(store, "key", 1_000, 8_000, List.of(Duration.ofMillis(1)))) {
            read = in.readAllBytes();
        }

        assertThat(read).as("one pause is enough: every answer makes progress").isEqualTo(range(1_000, 9_000));
        assertThat(store.opens()).startsWith(1_000L, 1_777L, 2_554L).hasSize(11);
    }

    @Test
    void givenOpensThatFailNowAndThen_whenTheRangeIsRead_thenTheyAreRetried() throws IOException {
        store.failNextOpens(
                () -> new StorageException(StorageException.UNAVAILABLE, "503 Slow Down", true),
                () -> new UncheckedIOException(new IOException("connection refused")));

        byte[] read;
        try (var in = new ResumingRead(store, "key", 0, OBJECT.length, PAUSES)) {
            read = in.readAllBytes();
        }

        assertThat(read).isEqualTo(OBJECT);
        assertThat(store.opens()).containsExactly(0L, 0L, 0L);
    }

    @Test
    void givenAStoreThatKeepsFailing_whenTheRangeIsRead_thenItFailsOnceThePausesRunOut() {
        store.breakEveryAnswerAfter(500);
        store.failNextOpens(() -> null);
        for (int i = 0; i < 10; i++) {
            store.failNextOpens(() -> new UncheckedIOException(new IOException("connection refused")));
        }

        var in = new ResumingRead(store, "key", 0, OBJECT.length, PAUSES);
        var failed = catchThrowableOfType(ResumingRead.Failed.class, in::readAllBytes);

        assertThat(failed.failure().code()).isEqualTo(StorageException.IO_ERROR);
        assertThat(failed.failure().retriable()).isTrue();
        assertThat(failed)
                .hasMessageContaining("broke off at byte 500")
                .hasMessageContaining("resuming it failed 3 times")
                .hasMessageContaining("connection refused");
        assertThat(store.opens())
                .as("the first answer, then one attempt after each pause")
                .hasSize(4);
    }

    @Test
    void givenAnObjectRemovedMidRead_whenItIsAskedForAgain_thenTheReadFailsAtOnceAsNotFound() {
        store.breakEveryAnswerAfter(500);
        store.failNextOpens(
                () -> null, () -> new StorageException(StorageException.NOT_FOUND, "object 'key' not found", false));

        var in = new ResumingRead(store, "key", 0, OBJECT.length, PAUSES);
        var failed = catchThrowableOfType(ResumingRead.Failed.class, in::readAllBytes);

        assertThat(failed.failure().code()).isEqualTo(StorageException.NOT_FOUND);
        assertThat(failed.failure().retriable()).isFalse();
        assertThat(store.opens()).hasSize(2);
    }

    @Test
    void givenAStoreThatCannotAnswer_whenARangeIsOpened_thenItsFailureIsThrownAtOnce() {
        store.failNextOpens(() -> new StorageException(StorageException.ACCESS_DENIED, "403 Forbidden", false));

        assertThatThrownBy(() -> ResumingRead.opened(store, "key", 0, 10, PAUSES))
                .isInstanceOf(StorageException.class)
                .hasMessage("403 Forbidden");
    }

    @Test
    void givenAReadWaitingToResume_whenItsThreadIsInterrupted_thenItStopsWithoutAskingAgain() throws Exception {
        store.breakEveryAnswerAfter(500);
        var in = new ResumingRead(store, "key", 0, OBJECT.length, List.of(Duration.ofHours(1)));
        var reading = new CompletableFuture<Throwable>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                in.readAllBytes();
                reading.complete(null);
            } catch (IOException e) {
                reading.complete(e);
            }
        });
        while (store.opens().isEmpty() || reader.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }

        reader.interrupt();

        assertThat(reading.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
        assertThat(store.opens()).hasSize(1);
    }

    @Test
    void givenAClosedRead_whenItIsReadAgain_thenItRefusesInsteadOfAskingTheStore() throws IOException {
        var in = new ResumingRead(store, "key", 0, OBJECT.length, PAUSES);
        assertThat(in.read()).isEqualTo(OBJECT[0] & 0xff);

        in.close();

        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThat(store.opens()).hasSize(1);
    }

    @Test
    void givenAnEmptyOrNegativeRange_whenAReadIsMade_thenItIsRefusedAtOnce() {
        assertThatThrownBy(() -> new ResumingRead(store, "key", 0, 0, PAUSES))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResumingRead(store, "key", -1, 10, PAUSES))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    private static byte[] range(int from, int to) {
        return Arrays.copyOfRange(OBJECT, from, to);
    }

    /**
     * Holds {@link #OBJECT} under any key; its opens fail as scripted (a supplier answering null lets that open
     * through) and its answers break off after a number of bytes each. Only reads are supported.
     */
    private static final class ScriptedStore implements ObjectStore {
        private final Deque<Supplier<RuntimeException>> failures = new ArrayDeque<>();
        private final List<Long> opens = Collections.synchronizedList(new ArrayList<>());
        private long breakAfter = Long.MAX_VALUE;

        @SafeVarargs
        final void failNextOpens(Supplier<RuntimeException>... next) {
            failures.addAll(List.of(next));
        }

        void breakEveryAnswerAfter(long bytes) {
            breakAfter = bytes;
        }

        List<Long> opens() {
            return List.copyOf(opens);
        }

        @Override
        public InputStream get(String key, long offset, long length) {
            opens.add(offset);
            Supplier<RuntimeException> failure = failures.poll();
            RuntimeException thrown = failure == null ? null : failure.get();
            if (thrown != null) {
                throw thrown;
            }
            long sent = Math.min(length, breakAfter);
            return new ByteArrayInputStream(OBJECT, (int) offset, (int) sent) {
                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    int read = super.read(b, off, len);
                    if (read < 0 && sent < length) {
                        throw new UncheckedIOException(new IOException("connection reset"));
                    }
                    return read;
                }
            };
        }

        @Override
        public void put(String key, Path file, String contentType) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void put(String key, InputStream in, long length, String contentType) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<ObjectInfo> head(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void copy(String from, String to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ObjectInfo> list(String prefix) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deletePrefix(String prefix) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String describe() {
            return "a scripted store";
        }
    }
}
