package dev.spool.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each finished segment of a running encode to a {@link SegmentListener}. The HLS muxers write every segment
 * under a temporary name and rename it when it is complete, so a segment file under its real name is whole.
 */
final class SegmentWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SegmentWatcher.class);
    private static final Pattern SEGMENT = Pattern.compile("\\d+\\.(ts|m4s)");
    private static final long POLL_MILLIS = 250;

    private final WorkDir work;
    private final List<String> names;
    private final SegmentListener listener;
    private final Set<String> reported = new HashSet<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    private SegmentWatcher(WorkDir work, List<String> names, SegmentListener listener) {
        this.work = work;
        this.names = names;
        this.listener = listener;
        this.thread = Thread.ofVirtual().name("segment-watcher").unstarted(LogContext.carried(this::watch));
    }

    /** @param names the output directories to watch, relative to the work directory */
    static SegmentWatcher start(WorkDir work, List<String> names, SegmentListener listener) {
        SegmentWatcher watcher = new SegmentWatcher(work, names, listener);
        watcher.thread.start();
        return watcher;
    }

    private void watch() {
        try {
            do {
                for (String name : names) {
                    report(name);
                }
            } while (!stop.await(POLL_MILLIS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void report(String name) {
        List<Path> segments;
        try (Stream<Path> files = Files.list(work.resolve(name))) {
            segments = files.filter(
                            f -> SEGMENT.matcher(f.getFileName().toString()).matches())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            // the muxer has not created the directory's first file yet, or the run is being torn down
            return;
        }
        for (Path segment : segments) {
            String file = name + "/" + segment.getFileName();
            if (!reported.add(file)) {
                continue;
            }
            try {
                listener.written(file, segment);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                log.warn("segment {} is left for the final pass: {}", file, e.toString());
            }
        }
    }

    /**
     * After a successful encode: stops watching, then hands over the segments finished since the last look (every
     * one is complete now that ffmpeg has exited), so the caller's final pass has no segment left to do.
     */
    void finish() throws InterruptedException {
        close();
        for (String name : names) {
            report(name);
        }
    }

    /** Stops watching and waits for the segments being handed over, so no path is used after this returns. */
    @Override
    public void close() throws InterruptedException {
        stop.countDown();
        thread.join();
    }
}
