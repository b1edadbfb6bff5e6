package dev.spool.media;

/**
 * A part of the input to transcode instead of all of it, in seconds from the input's start. Only this part
 * is read and decoded: ffmpeg seeks to the keyframe before {@code start} and drops the decoded frames before
 * it, so the output's first frame is the input's frame at {@code start}.
 *
 * @param start where the part begins, at least 0
 * @param end   where it ends, after {@code start}; past the input's end means "to the end"
 */
public record InputRange(double start, double end) {

    public InputRange {
        if (!(start >= 0) || !(end > start)) {
            throw new IllegalArgumentException("an input range needs 0 <= start < end, got " + start + ".." + end);
        }
    }

    /** The range within an input of {@code duration} seconds; the input must reach past {@code start}. */
    InputRange within(double duration) throws MediaException {
        if (start >= duration) {
            throw MediaException.badInput(
                    "range_outside_input",
                    "the range starts at "
                            + EncodeCommand.seconds(start) + " s, after the input ends ("
                            + EncodeCommand.seconds(duration)
                            + " s)");
        }
        return new InputRange(start, Math.min(end, duration));
    }

    double length() {
        return end - start;
    }
}
