package dev.spool.media;

/**
 * One planned output rendition: the actual output size (even, source aspect ratio, rotation
 * applied) and how to encode it.
 *
 * @param quality CRF, or null for pure bitrate control
 * @param fps     output frame rate numerator, or null to keep the source rate
 * @param gop     keyframe interval in seconds, 0 for all-intra, null for the encoder default
 */
public record Rendition(
        String name,
        int width,
        int height,
        long bitrate,
        Integer quality,
        Integer fps,
        Integer fpsDen,
        Double gop,
        TranscodeProfile.H264Profile profile,
        TranscodeProfile.Encoder encoder) {

    /** The Livepeer default ladder rung that gets no MP4. */
    public static final String LOW_BITRATE = "low-bitrate";

    /** HEVC and VP9 segments go in fragmented MP4: VP9 has no MPEG-TS mapping and Apple wants HEVC in fMP4. */
    public boolean fragmentedMp4() {
        return encoder != TranscodeProfile.Encoder.H264;
    }
}
