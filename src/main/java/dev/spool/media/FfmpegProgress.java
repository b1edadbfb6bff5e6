package dev.spool.media;

import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

/**
 * Reads ffmpeg's {@code -progress pipe:1} key=value lines and turns them into a fraction of one
 * process's work. ffmpeg reports {@code out_time} as the least advanced of all output streams, so
 * the sparse thumbnail stream holds it back by up to a segment; the frame count of the first
 * rendition moves smoothly and is used when there is video.
 */
final class FfmpegProgress implements Consumer<String> {

    private final double expectedSeconds;
    private final double fps;
    private final DoubleConsumer sink;

    FfmpegProgress(double expectedSeconds, double fps, DoubleConsumer sink) {
        this.expectedSeconds = expectedSeconds;
        this.fps = fps;
        this.sink = sink;
    }

    @Override
    public void accept(String line) {
        int eq = line.indexOf('=');
        if (eq < 0 || expectedSeconds <= 0) {
            return;
        }
        String key = line.substring(0, eq);
        String value = line.substring(eq + 1).trim();
        try {
            if (key.equals("frame") && fps > 0) {
                sink.accept(Long.parseLong(value) / (expectedSeconds * fps));
            } else if (key.equals("out_time_us") && !value.equals("N/A")) {
                sink.accept(Long.parseLong(value) / 1e6 / expectedSeconds);
            }
        } catch (NumberFormatException e) {
            // ffmpeg writes N/A before the first packet; the next report carries a number
        }
    }
}
