package dev.spool.mediajob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import dev.spool.media.ChunkEncoder;
import dev.spool.media.ChunkRunner;
import dev.spool.media.MediaException;
import dev.spool.media.SampleMedia;
import dev.spool.media.TestMedia;
import dev.spool.storage.LocalObjectStore;
import dev.spool.storage.ObjectInfo;
import dev.spool.storage.ObjectStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A chunk's source read from a remote store for its ffmpeg: the store's answers are sent on as ffmpeg asks for ranges,
 * a store read that breaks off is resumed where it stopped, and one that cannot be resumed fails the chunk to be
 * retried, whatever ffmpeg made of the short answer (for MPEG-TS, which takes it for the end of the file, nothing).
 * The store is a local one behind {@link BreakingStore}, which breaks its answers as a remote store's connections do.
 */
@Tag("media")
class StoreSourceTest {
    private static final int SECONDS = 6;
    private static final int FPS = 25;
    private static final String KEY = "spool-chunks/task-a1/source";
    private static final List<Duration> QUICK_PAUSES = Collections.nCopies(4, Duration.ofMillis(5));

    @TempDir
    Path dir;

    BreakingStore store;

    @BeforeEach
    void createStore() {
        store = new BreakingStore(new LocalObjectStore(dir.resolve("objects")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mp4", "ts", "mkv"})
    void givenAStoreWhoseEveryAnswerBreaksOff_whenAChunkIsEncodedFromIt_thenEachReadIsResumedAndTheChunkIsWhole(
            String container) throws Exception {
        long size = putSource(container);
        store.breakEveryAnswerAfter(size / 5);

        var failure = encode();

        assertThat(failure).as("the chunk encodes").isNull();
        assertThat(store.breaks()).as("answers broken off").isGreaterThanOrEqualTo(4);
        assertThat(encodedSeconds()).isCloseTo(SECONDS, within(0.1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mp4", "ts"})
    void givenAStoreWhoseReadBreaksOffForGood_whenAChunkIsEncodedFromIt_thenItFailsToBeRetriedNotShort(String container)
            throws Exception {
        long size = putSource(container);
        store.breakEveryAnswerAfter(size / 2);
        store.refuseOpensAfterABreak();

        var failure = encode();

        assertThat(store.breaks()).as("answers broken off").isPositive();
        assertThat(failure).as("the chunk is not taken as done").isNotNull();
        assertThat(failure.code()).isEqualTo("source_read_failed");
        assertThat(failure.retriable()).isTrue();
        assertThat(failure.getMessage())
                .contains("broke off at byte", "resuming it failed " + QUICK_PAUSES.size() + " times")
                .contains("connection refused");
    }

    @Test
    void givenASourceRemovedWhileItIsRead_whenAChunkIsEncodedFromIt_thenItFailsForGoodAsMissing() throws Exception {
        long size = putSource("ts");
        store.breakEveryAnswerAfter(size / 2);
        store.deleteAfterABreak();

        var failure = encode();

        assertThat(failure).isNotNull();
        assertThat(failure.code()).isEqualTo("source_missing");
        assertThat(failure.retriable()).as("the encode it belongs to has ended").isFalse();
    }

    /** ffmpeg reads on one connection at a time: asking again is how it seeks, leaving the answer it was reading. */
    @Test
    void givenAnAnswerLeftForALaterRequest_whenItsStoreReadFailsForGood_thenTheChunkDoesNotFailForIt()
            throws Exception {
        long size = putSource("mp4");
        store.breakTheFirstAnswerOnceAskedAgain(size / 2);
        var http = HttpClient.newHttpClient();

        try (var source = new StoreSource(store, KEY, size, QUICK_PAUSES)) {
            URI url = URI.create(source.url());
            var left = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofInputStream());
            left.body().readNBytes(1000);
            var later = http.send(
                    HttpRequest.newBuilder(url).header("Range", "bytes=100-").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            var cut = catchThrowableOfType(IOException.class, () -> left.body().readAllBytes());

            assertThat(later.body()).as("the later request's answer").hasSize((int) size - 100);
            assertThat(cut).as("the left answer ended short").isNotNull();
            assertThat(store.breaks()).isEqualTo(1);
            assertThat(catchThrowableOfType(MediaException.class, source::throwIfFailed))
                    .as("what no one was reading any more failed nothing")
                    .isNull();
        }
    }

    @Test
    void givenAServedSource_whenItsRangesAreAskedFor_thenEachIsAnsweredAsAFileServerWould() throws Exception {
        long size = putSource("mp4");
        byte[] bytes = Files.readAllBytes(dir.resolve("source.mp4"));
        var http = HttpClient.newHttpClient();

        try (var source = new StoreSource(store, KEY, size, QUICK_PAUSES)) {
            URI url = URI.create(source.url());
            var whole = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
            var part = http.send(
                    HttpRequest.newBuilder(url).header("Range", "bytes=100-199").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            var rest = http.send(
                    HttpRequest.newBuilder(url)
                            .header("Range", "bytes=" + (size - 10) + "-")
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            var beyond = http.send(
                    HttpRequest.newBuilder(url)
                            .header("Range", "bytes=" + size + "-")
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            var head = http.send(
                    HttpRequest.newBuilder(url)
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            var post = http.send(
                    HttpRequest.newBuilder(url)
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            var elsewhere = http.send(
                    HttpRequest.newBuilder(url.resolve("/other")).build(), HttpResponse.BodyHandlers.discarding());

            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.body()).isEqualTo(bytes);
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100-199/" + size);
            assertThat(part.body()).isEqualTo(Arrays.copyOfRange(bytes, 100, 200));
            assertThat(rest.statusCode()).isEqualTo(206);
            assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(bytes, (int) size - 10, (int) size));
            assertThat(beyond.statusCode()).isEqualTo(416);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(size);
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(elsewhere.statusCode())
                    .as("only the random path is served")
                    .isEqualTo(404);
            assertThat(url.getHost()).isEqualTo("127.0.0.1");
            assertThat(url.getPath()).endsWith("/" + KEY);
        }
        assertThat(store.breaks()).isZero();
    }

    /** Puts a {@link #SECONDS} s source in the container into the store under {@link #KEY}; answers its size. */
    private long putSource(String container) throws IOException {
        Path plain = SampleMedia.mp4(dir, "plain.mp4", SECONDS, "640x360");
        Path source = TestMedia.ffmpeg(
                dir.resolve("source." + container),
                container.equals("mp4")
                        ? List.of("-i", plain.toString(), "-c", "copy", "-movflags", "+faststart")
                        : List.of("-i", plain.toString(), "-c", "copy"));
        store.put(KEY, source, null);
        return Files.size(source);
    }

    /** Encodes chunk 0 (the whole source's video) from the store as a worker does; the failure, or null. */
    private MediaException encode() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        long size = store.head(KEY).orElseThrow().size();
        try (var source = new StoreSource(store, KEY, size, QUICK_PAUSES)) {
            return catchThrowableOfType(
                    MediaException.class,
                    () -> EncodeChunkHandler.encode(
                            new ChunkEncoder(TestMedia.binaries()), job(), source, out, progress -> {}));
        }
    }

    private double encodedSeconds() {
        return SampleMedia.probe(dir.resolve("out/chunk.ts").toString())
                .path("format")
                .path("duration")
                .asDouble();
    }

    /** Chunk 0: the source's video, encoded whole into one MPEG-TS file, its progress reported as a chunk's is. */
    private static ChunkRunner.Job job() {
        return new ChunkRunner.Job(
                0,
                List.of(
                        "-v",
                        "error",
                        "-progress",
                        "pipe:1",
                        "-i",
                        ChunkRunner.INPUT,
                        "-map",
                        "0:v",
                        "-c:v",
                        "libx264",
                        "-preset",
                        "ultrafast",
                        "-f",
                        "mpegts",
                        "chunk.ts"),
                List.of(),
                SECONDS,
                FPS,
                120);
    }

    /**
     * A store whose answers to reads break off after a number of bytes each, as a remote store's connections drop;
     * after a break it may refuse every later read, or lose the object.
     */
    private static final class BreakingStore implements ObjectStore {
        private final ObjectStore store;
        private final AtomicInteger breaks = new AtomicInteger();
        private volatile long breakAfter = Long.MAX_VALUE;
        private volatile boolean refuseAfterABreak;
        private volatile boolean deleteAfterABreak;
        private final AtomicInteger opens = new AtomicInteger();
        private volatile long firstAnswerBreaksAt = -1;

        BreakingStore(ObjectStore store) {
            this.store = store;
        }

        void breakEveryAnswerAfter(long bytes) {
            breakAfter = bytes;
        }

        void refuseOpensAfterABreak() {
            refuseAfterABreak = true;
        }

        void deleteAfterABreak() {
            deleteAfterABreak = true;
        }

        /**
         * The first answer stops after {@code at} bytes until the store is asked again, then breaks off; asking for
         * the object from that byte is refused from then on.
         */
        void breakTheFirstAnswerOnceAskedAgain(long at) {
            firstAnswerBreaksAt = at;
        }

        int breaks() {
            return breaks.get();
        }

        @Override
        public InputStream get(String key, long offset, long length) {
            int open = opens.incrementAndGet();
            if (breaks.get() > 0 && refuseAfterABreak || open > 1 && offset == firstAnswerBreaksAt) {
                throw new UncheckedIOException(new IOException("connection refused"));
            }
            InputStream answer = store.get(key, offset, length);
            if (open == 1 && firstAnswerBreaksAt >= 0) {
                return new BreakingAnswer(answer, firstAnswerBreaksAt, () -> {
                    long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (opens.get() == 1 && System.nanoTime() < giveUp) {
                        sleep();
                    }
                });
            }
            return new BreakingAnswer(answer, breakAfter, () -> {
                if (deleteAfterABreak) {
                    store.delete(key);
                }
            });
        }

        private static void sleep() throws IOException {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        /** What happens as an answer breaks off, before it does. */
        private interface Breaking {
            void happen() throws IOException;
        }

        /** An answer of the store that breaks off after {@code at} bytes, once {@code breaking} has happened. */
        private final class BreakingAnswer extends FilterInputStream {
            private final long at;
            private final Breaking breaking;
            private long sent;

            BreakingAnswer(InputStream answer, long at, Breaking breaking) {
                super(answer);
                this.at = at;
                this.breaking = breaking;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (sent >= at) {
                    breaking.happen();
                    breaks.incrementAndGet();
                    throw new IOException("connection reset");
                }
                int read = super.read(b, off, (int) Math.min(len, at - sent));
                sent += Math.max(0, read);
                return read;
            }
        }

        @Override
        public void put(String key, Path file, String contentType) {
            store.put(key, file, contentType);
        }

        @Override
        public void put(String key, InputStream in, long length, String contentType) {
            store.put(key, in, length, contentType);
        }

        @Override
        public Optional<ObjectInfo> head(String key) {
            return store.head(key);
        }

        @Override
        public void copy(String from, String to) {
            store.copy(from, to);
        }

        @Override
        public List<ObjectInfo> list(String prefix) {
            return store.list(prefix);
        }

        @Override
        public void delete(String key) {
            store.delete(key);
        }

        @Override
        public void deletePrefix(String prefix) {
            store.deletePrefix(prefix);
        }

        @Override
        public String describe() {
            return "a store that breaks its answers";
        }
    }
}
