package dev.spool.media;

import java.util.List;

/**
 * Folds the progress of concurrently running chunks into one fraction for the listener: weighted
 * by chunk duration, never decreasing, and passed on at most every 500 ms so a fast ffmpeg
 * does not flood whoever persists it.
 */
final class ProgressTracker {

    static final long MIN_INTERVAL_NANOS = 500_000_000L;
    /** The encode is most of the work; reading back, joining and MP4 remuxing take the rest. */
    static final double ENCODE_SHARE = 0.95;

    private final ProgressListener listener;
    private final double[] chunkDone;
    private final double[] chunkWeight;
    private double reported = 0;
    private long lastReport = 0;
    private boolean reportedOnce = false;

    ProgressTracker(ProgressListener listener, List<ChunkPlan.Chunk> chunks) {
        this.listener = listener;
        this.chunkDone = new double[chunks.size()];
        this.chunkWeight = new double[chunks.size()];
        double total = 0;
        for (ChunkPlan.Chunk chunk : chunks) {
            total += Math.max(chunk.expected(), 0);
        }
        for (int i = 0; i < chunks.size(); i++) {
            chunkWeight[i] = total > 0 ? Math.max(chunks.get(i).expected(), 0) / total : 1.0 / chunks.size();
        }
    }

    /** A chunk's own progress in [0, 1]. */
    synchronized void chunk(int index, double fraction) {
        chunkDone[index] = Math.max(chunkDone[index], Math.min(1, Math.max(0, fraction)));
        double sum = 0;
        for (int i = 0; i < chunkDone.length; i++) {
            sum += chunkDone[i] * chunkWeight[i];
        }
        offer(sum * ENCODE_SHARE, false);
    }

    synchronized void finished() {
        offer(1.0, true);
    }

    private void offer(double value, boolean force) {
        if (value <= reported && reportedOnce) {
            return;
        }
        long now = System.nanoTime();
        if (!force && reportedOnce && now - lastReport < MIN_INTERVAL_NANOS) {
            return;
        }
        reported = Math.max(reported, value);
        lastReport = now;
        reportedOnce = true;
        listener.progress(reported);
    }
}
