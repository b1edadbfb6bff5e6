package dev.spool.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * One line on stderr, redrawn in place: {@code label [#####.....]  45%  12.0/27.0 MiB  3.1 MiB/s  ETA 0:05}. Redrawn
 * at most ten times a second; {@link #done()} ends the line.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000;

    private final PrintWriter err;
    private final String label;
    private final long total;
    private final long startOffset;
    private final long started = System.nanoTime();
    private long lastDraw;
    private long current;
    private String note = "";

    /** A bar of bytes ({@code total} > 0), counting speed from {@code startOffset} (where a resume began). */
    ProgressBar(PrintWriter err, String label, long total, long startOffset) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.startOffset = startOffset;
        this.current = startOffset;
    }

    /** A bar of a fraction (a task's progress), {@code total} 0. */
    static ProgressBar fraction(PrintWriter err, String label) {
        return new ProgressBar(err, label, 0, 0);
    }

    synchronized void bytes(long done) {
        current = done;
        maybeDraw();
    }

    synchronized void fraction(double done, String note) {
        current = Math.round(Math.max(0, Math.min(1, done)) * 1000);
        this.note = note == null ? "" : note;
        maybeDraw();
    }

    synchronized void done() {
        draw();
        err.println();
        err.flush();
    }

    private void maybeDraw() {
        long now = System.nanoTime();
        if (now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            draw();
        }
    }

    private void draw() {
        double fraction = total > 0 ? (double) current / total : current / 1000.0;
        int filled = (int) Math.round(fraction * WIDTH);
        var line = new StringBuilder("\r")
                .append(label)
                .append(" [")
                .append("#".repeat(filled))
                .append(".".repeat(WIDTH - filled))
                .append("] ")
                .append(String.format(Locale.ROOT, "%3d%%", Math.round(fraction * 100)));
        double seconds = (System.nanoTime() - started) / 1e9;
        if (total > 0) {
            double rate = seconds > 0 ? (current - startOffset) / seconds : 0;
            line.append(String.format(Locale.ROOT, "  %s/%s  %s/s", size(current), size(total), size((long) rate)));
            if (rate > 0 && current < total) {
                line.append("  ETA ").append(clock((long) ((total - current) / rate)));
            }
        } else {
            double progressed = fraction;
            if (progressed > 0 && progressed < 1) {
                line.append("  ETA ").append(clock((long) (seconds / progressed * (1 - progressed))));
            }
            if (!note.isEmpty()) {
                line.append("  ").append(note);
            }
        }
        err.print(line.append("   "));
        err.flush();
    }

    private static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    private static String clock(long seconds) {
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
