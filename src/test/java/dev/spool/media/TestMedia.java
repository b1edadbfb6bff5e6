package dev.spool.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Shared test fixtures: the bundled ffmpeg (extracted once per build under target/), and small sources generated
 * with lavfi (testsrc2 picture, sine tone) so no media file lives in git. Sources are described by a {@link Recipe}:
 * {@code TestMedia.video().seconds(2).size(320, 180).withAudio().writeTo(dir.resolve("small.mp4"))}.
 */
public final class TestMedia {

    private static FfmpegBinaries binaries;

    private TestMedia() {}

    public static synchronized FfmpegBinaries binaries() {
        if (binaries == null) {
            try {
                binaries = FfmpegBinaries.locate(Optional.empty(), Optional.empty(), Path.of("target", "ffmpeg-cache"));
            } catch (MediaException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        return binaries;
    }

    /** A testsrc2 picture, 1 s of 320x240 at 25 fps, encoded with H.264 (ultrafast); no sound unless asked. */
    public static Recipe video() {
        return new Recipe(true, false);
    }

    /** A 440 Hz sine tone of 1 s and no picture, in the output container's default audio codec. */
    public static Recipe tone() {
        return new Recipe(false, true);
    }

    /**
     * {@code video}'s streams copied behind a one-frame MJPEG picture of {@code side} x {@code side} (bigger than
     * the video), as cover art stands in files from the wild: first, and not flagged as attached.
     */
    static Path coverArtFirst(Path video, int side, Path output) {
        return ffmpeg(
                output,
                List.of(
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc2=size=" + side + "x" + side + ":rate=1:duration=1",
                        "-i",
                        video.toString(),
                        "-map",
                        "0:v",
                        "-map",
                        "1:v",
                        "-map",
                        "1:a",
                        "-c:v:0",
                        "mjpeg",
                        "-frames:v:0",
                        "1",
                        "-c:v:1",
                        "copy",
                        "-c:a",
                        "copy"));
    }

    /** A source made with lavfi; each setter says what the source holds, {@link #writeTo} makes it. */
    public static final class Recipe {
        /** Three grey bars, each one base-16 digit of the frame number (grey = digit * 16 + 8). */
        private static final String NUMBERED = "color=c=gray:size=%s:rate=%d:duration=%s,format=yuv420p,geq=lum='"
                + "if(lt(X,W/3),mod(N,16),if(lt(X,2*W/3),mod(floor(N/16),16),mod(floor(N/256),16)))*16+8"
                + "':cb=128:cr=128";

        private final boolean picture;
        private boolean audio;
        private String source = "testsrc2=size=%s:rate=%d:duration=%s";
        private double seconds = 1;
        private String size = "320x240";
        private int fps = 25;
        private double videoLate;
        private double audioLate;
        private Double audioSeconds;
        private int sampleRate = 44100;
        private final List<String> filters = new ArrayList<>();
        private List<String> videoCodec = List.of("libx264", "-preset", "ultrafast");
        private final List<String> videoOptions = new ArrayList<>();
        private List<String> audioCodec;
        private final List<String> audioOptions = new ArrayList<>();
        private final List<String> container = new ArrayList<>();

        private Recipe(boolean picture, boolean audio) {
            this.picture = picture;
            this.audio = audio;
            this.audioCodec = picture ? List.of("aac") : List.of();
        }

        /** How long the source lasts. */
        public Recipe seconds(double value) {
            seconds = value;
            return this;
        }

        public Recipe size(int width, int height) {
            return size(width + "x" + height);
        }

        /** The picture's size as {@code WxH}. */
        public Recipe size(String widthByHeight) {
            size = widthByHeight;
            return this;
        }

        public Recipe fps(int value) {
            fps = value;
            return this;
        }

        /**
         * The picture shows its own frame number (see {@link #NUMBERED}) instead of testsrc2, so a test can read
         * back which frame a re-encoded copy starts on.
         */
        public Recipe numberedFrames() {
            source = NUMBERED;
            return this;
        }

        /** A 440 Hz sine tone as long as the picture. */
        public Recipe withAudio() {
            audio = true;
            return this;
        }

        /** The tone lasts {@code value} seconds whatever the picture does. */
        public Recipe audioSeconds(double value) {
            audioSeconds = value;
            return withAudio();
        }

        public Recipe sampleRate(int hertz) {
            sampleRate = hertz;
            return this;
        }

        /** The tone starts {@code delay} seconds after the picture and ends with it. */
        public Recipe audioLate(double delay) {
            audioLate = delay;
            return withAudio();
        }

        /** The picture starts {@code delay} seconds after the tone and ends with it. */
        public Recipe videoLate(double delay) {
            videoLate = delay;
            return withAudio();
        }

        /** A video filter chain ({@code -vf}). */
        public Recipe filter(String chain) {
            filters.addAll(List.of("-vf", chain));
            return this;
        }

        /** Keeps the timestamps the filter leaves (frames dropped by a select filter leave gaps). */
        public Recipe variableFrameRate() {
            filters.addAll(List.of("-fps_mode", "vfr"));
            return this;
        }

        /** Another video encoder than H.264, with its options. */
        public Recipe codec(String encoder, String... options) {
            List<String> codec = new ArrayList<>(List.of(encoder));
            codec.addAll(List.of(options));
            videoCodec = codec;
            return this;
        }

        public Recipe pixelFormat(String format) {
            videoOptions.addAll(List.of("-pix_fmt", format));
            return this;
        }

        /** A keyframe every {@code frames} frames at most. */
        public Recipe gop(int frames) {
            videoOptions.addAll(List.of("-g", Integer.toString(frames)));
            return this;
        }

        public Recipe bitrate(String videoBitrate) {
            videoOptions.addAll(List.of("-b:v", videoBitrate));
            return this;
        }

        public Recipe audioCodec(String encoder) {
            audioCodec = List.of(encoder);
            return this;
        }

        public Recipe audioBitrate(String bitrate) {
            audioOptions.addAll(List.of("-b:a", bitrate));
            return this;
        }

        public Recipe audioChannels(int channels) {
            audioOptions.addAll(List.of("-ac", Integer.toString(channels)));
            return this;
        }

        /** An MP4 with its index (moov) before the media. */
        public Recipe fastStart() {
            container.addAll(List.of("-movflags", "+faststart"));
            return this;
        }

        /** The container's title tag: files that differ in this alone hold the same media in other bytes. */
        public Recipe title(String value) {
            container.addAll(List.of("-metadata", "title=" + value));
            return this;
        }

        /** A container other than the one the file name implies, e.g. MPEG-TS in a file named .mp4. */
        public Recipe format(String muxer) {
            container.addAll(List.of("-f", muxer));
            return this;
        }

        /** Generates the source into {@code output}; fails the test if ffmpeg fails. */
        public Path writeTo(Path output) {
            return ffmpeg(output, arguments());
        }

        private List<String> arguments() {
            double toneSeconds = audioSeconds != null ? audioSeconds : seconds - audioLate;
            List<String> args = new ArrayList<>();
            if (picture) {
                args.addAll(offset(videoLate));
                args.addAll(List.of("-f", "lavfi", "-i", source.formatted(size, fps, number(seconds - videoLate))));
            }
            if (audio) {
                args.addAll(offset(audioLate));
                args.addAll(List.of(
                        "-f",
                        "lavfi",
                        "-i",
                        "sine=frequency=440:sample_rate=" + sampleRate + ":duration=" + number(toneSeconds)));
            }
            if (picture) {
                args.addAll(filters);
                args.add("-c:v");
                args.addAll(videoCodec);
                args.addAll(videoOptions);
            }
            if (audio && !audioCodec.isEmpty()) {
                args.add("-c:a");
                args.addAll(audioCodec);
            }
            args.addAll(audioOptions);
            // Picture and tone start and end together: cut the encoder's audio padding off the end.
            if (picture && audio && videoLate == 0 && audioLate == 0 && toneSeconds == seconds) {
                args.add("-shortest");
            }
            args.addAll(container);
            return args;
        }

        private static List<String> offset(double seconds) {
            return seconds == 0 ? List.of() : List.of("-itsoffset", number(seconds));
        }

        private static String number(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }

    /** Runs ffmpeg with the given arguments writing {@code output}; fails the test if ffmpeg fails. */
    public static Path ffmpeg(Path output, List<String> args) {
        List<String> cmd = new ArrayList<>(
                List.of(binaries().ffmpeg().toString(), "-hide_banner", "-nostdin", "-v", "error", "-y"));
        cmd.addAll(args);
        cmd.add(output.toString());
        return run(cmd).ok() ? output : fail(output, cmd);
    }

    /** What ffprobe prints for {@code args}; fails the test if ffprobe fails. */
    public static String probe(String... args) {
        ChildProcess.Result result = ffprobe(args);
        if (!result.ok()) {
            throw new AssertionError("ffprobe " + List.of(args) + " failed: " + result.stderrTail());
        }
        return result.stdout();
    }

    static ChildProcess.Result ffprobe(String... args) {
        List<String> cmd = new ArrayList<>(List.of(binaries().ffprobe().toString(), "-v", "error"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private static ChildProcess.Result run(List<String> cmd) {
        try {
            return ChildProcess.run(cmd, binaries().environment(), null, null, Duration.ofMinutes(5));
        } catch (MediaException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path fail(Path output, List<String> cmd) {
        throw new IllegalStateException("cannot generate " + output + " with " + cmd + ": " + run(cmd).stderrTail());
    }

    /** The first half of {@code whole}'s bytes, as a transfer that stopped halfway leaves a file. */
    static Path firstHalf(Path whole, Path output) {
        try {
            byte[] bytes = Files.readAllBytes(whole);
            return Files.write(output, Arrays.copyOf(bytes, bytes.length / 2));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
