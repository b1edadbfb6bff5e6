package dev.spool.media;

/** Which renditions also get a static MP4 (never the {@code low-bitrate} rung). */
public enum Mp4Mode {
    /** No MP4s. */
    NONE,
    /** MP4s only for inputs of at most two minutes (Livepeer's {@code only_short}, the upload default). */
    SHORT_ONLY,
    /** MP4s for every input (Livepeer's {@code staticMp4=true}). */
    ALL;

    static final double SHORT_LIMIT_SECONDS = 120;

    boolean wanted(Double durationSeconds) {
        if (durationSeconds == null || durationSeconds <= 0) {
            return false;
        }
        return this == ALL || (this == SHORT_ONLY && durationSeconds <= SHORT_LIMIT_SECONDS);
    }
}
