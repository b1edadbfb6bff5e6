package dev.spool.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Rejects inputs Spool cannot turn into a playable asset, each with its own stable code and a
 * message that tells a person what to do. Every rejection is unretriable: the same file gives the
 * same answer.
 */
public final class InputValidator {

    /** Livepeer's input limit. */
    public static final long DEFAULT_MAX_BYTES = 30L * 1024 * 1024 * 1024;

    static final int MIN_DIMENSION = 16;
    static final int MAX_DIMENSION = 8192;
    /** Still-image and intermediate codecs Livepeer refuses as video sources. */
    private static final Set<String> UNSUPPORTED_VIDEO =
            Set.of("mjpeg", "jpeg", "jpegls", "png", "apng", "bmp", "gif", "tiff", "webp", "prores");

    private final long maxBytes;

    public InputValidator() {
        this(DEFAULT_MAX_BYTES);
    }

    public InputValidator(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.maxBytes = maxBytes;
    }

    /** Checks the file itself before anything reads it as media; returns its size. */
    public long checkFile(Path input) throws MediaException {
        long size;
        try {
            size = Files.size(input);
        } catch (IOException e) {
            throw MediaException.badInput(
                    "not_found", "the input file " + input.getFileName() + " cannot be read: " + e.getMessage());
        }
        if (size == 0) {
            throw MediaException.badInput("empty_file", "the input file is empty (0 bytes); upload the complete file");
        }
        if (size > maxBytes) {
            throw MediaException.badInput(
                    "too_large",
                    "the input file is " + gib(size) + " but at most " + gib(maxBytes)
                            + " is accepted; shorten or compress it before uploading");
        }
        return size;
    }

    /** Checks what the probe found. */
    public void checkSpec(VideoSpec spec) throws MediaException {
        if (spec.video().isEmpty() && spec.audio().isEmpty()) {
            throw MediaException.badInput(
                    "no_streams",
                    "the file holds no video and no audio stream"
                            + " (only data, subtitles or cover art); upload a file with video or audio");
        }
        if (spec.video().isEmpty()) {
            return;
        }
        VideoSpec.Track video = spec.video().get();
        String codec = video.codec() == null ? "unknown" : video.codec();
        if (UNSUPPORTED_VIDEO.contains(codec)) {
            throw MediaException.badInput(
                    "unsupported_codec",
                    codec + " is not supported as a video codec"
                            + " (still-image and ProRes sources are refused); re-encode the video to H.264, HEVC, VP9 or AV1");
        }
        if (video.fps() == null || video.fps() <= 0 || video.fps().isNaN()) {
            throw MediaException.badInput(
                    "invalid_fps",
                    "invalid framerate: the video stream declares no frame" + " rate (" + video.frameRate()
                            + "); re-encode it with a constant frame rate");
        }
        Integer w = video.width();
        Integer h = video.height();
        if (w == null
                || h == null
                || w < MIN_DIMENSION
                || h < MIN_DIMENSION
                || w > MAX_DIMENSION
                || h > MAX_DIMENSION) {
            throw MediaException.badInput(
                    "invalid_dimensions",
                    "the video is " + w + "x" + h + " pixels; width and" + " height must each be between "
                            + MIN_DIMENSION + " and " + MAX_DIMENSION);
        }
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
