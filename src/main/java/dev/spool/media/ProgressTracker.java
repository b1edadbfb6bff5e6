package dev.spool.media;

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

    ProgressTracker(ProgressListener listener, double[] chunkDurations) {
        this.listener = listener;
        this.chunkDone = new double[chunkDurations.length];
        this.chunkWeight = new double[chunkDurations.length];
        double total = 0;
        for (double d : chunkDurations) {
            total += Math.max(d, 0);
        }
        for (int i = 0; i < chunkDurations.length; i++) {
            chunkWeight[i] = total > 0 ? Math.max(chunkDurations[i], 0) / total : 1.0 / chunkDurations.length;
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
