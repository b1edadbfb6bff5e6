package dev.spool.media;

import dev.spool.media.TranscodeProfile.Encoder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Chooses the renditions: a default ladder (Spool's, or Livepeer's rule) when the caller gives no
 * profiles, otherwise the caller's profiles as given. Output sizes follow Livepeer's encoder: the long
 * side of the output is the long side of the requested box, the short side follows the source's
 * displayed aspect ratio (so portrait sources give portrait renditions), both even.
 */
public final class LadderPlanner {

    /** Livepeer's cap on any rendition bitrate and on the source bitrate used in the formulas. */
    static final long MAX_BITRATE = 288_000_000L;
    /** Bitrate assumed when neither the stream nor the container declares one. */
    static final long UNKNOWN_SOURCE_BITRATE = 4_000_000L;

    static final int DEFAULT_QUALITY = 27;
    private static final List<TranscodeProfile> BASE_RUNGS = List.of(
            TranscodeProfile.of("360p0", 640, 360, 1_000_000L), TranscodeProfile.of("720p0", 1280, 720, 4_000_000L));
    /** Spool's rungs below the source: 1080p too, so sources above 1080p keep a full-HD rendition. */
    private static final List<TranscodeProfile> SPOOL_RUNGS = List.of(
            TranscodeProfile.of("360p0", 640, 360, 1_000_000L),
            TranscodeProfile.of("720p0", 1280, 720, 4_000_000L),
            TranscodeProfile.of("1080p0", 1920, 1080, 6_000_000L));
    /** Spool's ladder keeps frame rates up to this; faster sources are divided down to it. */
    static final double MAX_FPS = 60;

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> RESERVED_NAMES = Set.of("thumbnails", "index.m3u8");

    /**
     * @return the renditions to encode; empty for an audio-only input
     * @throws MediaException {@code invalid_profile} or {@code unsupported_encoder} for profiles that cannot be honoured
     */
    private final Ladder ladder;

    public LadderPlanner(Ladder ladder) {
        this.ladder = ladder;
    }

    public List<Rendition> plan(VideoSpec spec, List<TranscodeProfile> profiles) throws MediaException {
        if (spec.video().isEmpty()) {
            return List.of();
        }
        VideoSpec.Track video = spec.video().get();
        int srcW = video.displayWidth();
        int srcH = video.displayHeight();
        List<TranscodeProfile> wanted;
        boolean spoolLadder = false;
        if (profiles == null || profiles.isEmpty()) {
            spoolLadder = ladder == Ladder.SPOOL;
            wanted = spoolLadder
                    ? spoolLadder(srcW, srcH, sourceBitrate(spec), Fraction.parse(video.frameRate()))
                    : livepeerLadder(srcW, srcH, sourceBitrate(spec));
        } else if (profiles.size() == 1 && isBitrateOnly(profiles.get(0))) {
            TranscodeProfile p = profiles.get(0);
            wanted = List.of(new TranscodeProfile(
                    p.name(),
                    srcW,
                    srcH,
                    p.bitrate(),
                    p.quality() == null ? DEFAULT_QUALITY : p.quality(),
                    p.fps(),
                    p.fpsDen(),
                    p.gop(),
                    p.profile(),
                    p.encoder()));
        } else {
            wanted = profiles;
        }
        List<Rendition> renditions = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (TranscodeProfile p : wanted) {
            Rendition r = toRendition(p, srcW, srcH);
            if (spoolLadder) {
                r = notAboveSource(r, srcW, srcH);
            }
            if (!names.add(r.name())) {
                throw invalid("rendition name \"" + r.name() + "\" is used twice; every profile needs its own name");
            }
            renditions.add(r);
        }
        return renditions;
    }

    /**
     * Spool's default ladder: each of 360p, 720p and 1080p whose short side is below the source's (at
     * Livepeer's scaled bitrate), then the source size rounded down to even, all at quality 27. Unlike
     * Livepeer's rule there is never a second rendition at the source size (with a capped CRF it came
     * out identical to the top one), sources above 1080p get a 1080p rendition, nothing is upscaled, and
     * frame rates above 60 are divided down to 60 or below (so frames stay evenly spaced).
     */
    static List<TranscodeProfile> spoolLadder(int srcW, int srcH, long srcBitrate, Fraction frameRate) {
        long capped = Math.min(srcBitrate, MAX_BITRATE);
        int shortSide = Math.min(srcW, srcH);
        List<TranscodeProfile> ladder = new ArrayList<>();
        for (TranscodeProfile rung : SPOOL_RUNGS) {
            if (rung.height() < shortSide) {
                ladder.add(rung.withQuality(DEFAULT_QUALITY)
                        .withBitrate(Math.min(scaledBitrate(rung, srcW, srcH, capped), rung.bitrate())));
            }
        }
        int w = roundDownEven(srcW);
        int h = roundDownEven(srcH);
        ladder.add(TranscodeProfile.of(h + "p0", w, h, Math.min(capped * 12 / 10, MAX_BITRATE))
                .withQuality(DEFAULT_QUALITY));
        if (frameRate == null || frameRate.value() <= MAX_FPS) {
            return ladder;
        }
        long divisor = (long) Math.ceil(frameRate.value() / MAX_FPS);
        return ladder.stream()
                .map(p -> p.withFps((int) frameRate.numerator(), (int) (frameRate.denominator() * divisor)))
                .toList();
    }

    private static long scaledBitrate(TranscodeProfile rung, int srcW, int srcH, long cappedSource) {
        return 12L * rung.width() * rung.height() * cappedSource / (10L * srcW * srcH);
    }

    /** Sizes derived from the aspect ratio round to the nearest even number: never above the source's. */
    private static Rendition notAboveSource(Rendition r, int srcW, int srcH) {
        if (r.width() <= srcW && r.height() <= srcH) {
            return r;
        }
        return new Rendition(
                r.name(),
                Math.min(r.width(), roundDownEven(srcW)),
                Math.min(r.height(), roundDownEven(srcH)),
                r.bitrate(),
                r.quality(),
                r.fps(),
                r.fpsDen(),
                r.gop(),
                r.profile(),
                r.encoder());
    }

    /** Livepeer's default ladder for a source of the given displayed size and video bitrate. */
    static List<TranscodeProfile> livepeerLadder(int srcW, int srcH, long srcBitrate) {
        long capped = Math.min(srcBitrate, MAX_BITRATE);
        List<TranscodeProfile> ladder = new ArrayList<>();
        for (TranscodeProfile rung : BASE_RUNGS) {
            // Livepeer compares the rung's default bitrate, not the scaled one, with the source's
            if (rung.height() < srcH && rung.bitrate() < srcBitrate) {
                ladder.add(rung.withQuality(DEFAULT_QUALITY)
                        .withBitrate(Math.min(scaledBitrate(rung, srcW, srcH, capped), rung.bitrate())));
            }
        }
        int evenW = roundUpEven(srcW);
        int evenH = roundUpEven(srcH);
        if (ladder.isEmpty()) {
            long low = srcBitrate / 2;
            if (low < 100_000 && srcBitrate > 100_000) {
                low = 100_000;
            }
            if (low < 5_000) {
                low = 5_000;
            }
            ladder.add(TranscodeProfile.of(Rendition.LOW_BITRATE, evenW, evenH, low)
                    .withQuality(DEFAULT_QUALITY));
        }
        long top = Math.min(capped * 12 / 10, MAX_BITRATE);
        ladder.add(TranscodeProfile.of(evenH + "p0", evenW, evenH, top).withQuality(DEFAULT_QUALITY));
        return ladder;
    }

    /** The probed video bitrate, else the container's, else Livepeer's 4 Mbps assumption (always for HLS). */
    static long sourceBitrate(VideoSpec spec) {
        if ("hls".equals(spec.format())) {
            return UNKNOWN_SOURCE_BITRATE;
        }
        Long stream = spec.video().map(VideoSpec.Track::bitrate).orElse(null);
        if (stream != null) {
            return stream;
        }
        return spec.formatBitrate() != null ? spec.formatBitrate() : UNKNOWN_SOURCE_BITRATE;
    }

    private static boolean isBitrateOnly(TranscodeProfile p) {
        return orZero(p.width()) == 0 && orZero(p.height()) == 0 && p.bitrate() != null && p.bitrate() > 0;
    }

    private static Rendition toRendition(TranscodeProfile p, int srcW, int srcH) throws MediaException {
        if (p.name() == null || !SAFE_NAME.matcher(p.name()).matches() || RESERVED_NAMES.contains(p.name())) {
            throw invalid("profile name \"" + p.name() + "\" is not usable as a directory name; use 1-64 letters,"
                    + " digits, '.', '_' or '-' (and not \"thumbnails\")");
        }
        if (orZero(p.width()) <= 0 || orZero(p.height()) <= 0 || p.bitrate() == null || p.bitrate() <= 0) {
            throw invalid("profile \"" + p.name() + "\" needs a width, a height and a bitrate above 0");
        }
        Encoder encoder = p.encoder() == null ? Encoder.H264 : p.encoder();
        if (encoder == Encoder.VP8) {
            throw MediaException.badInput(
                    "unsupported_encoder",
                    "profile \"" + p.name() + "\" asks for VP8, which"
                            + " HLS cannot carry (neither MPEG-TS nor fragmented MP4 has a VP8 mapping); use VP9, HEVC or H.264");
        }
        if (p.quality() != null && (p.quality() < 0 || p.quality() > 63)) {
            throw invalid("profile \"" + p.name() + "\" has quality " + p.quality() + "; it must be 0 to 63");
        }
        if (orZero(p.fps()) < 0 || (p.fpsDen() != null && p.fpsDen() < 1)) {
            throw invalid("profile \"" + p.name() + "\" has an invalid frame rate " + p.fps() + "/" + p.fpsDen());
        }
        int[] size = outputSize(p.width(), p.height(), srcW, srcH, encoder);
        Integer quality = p.quality() == null || p.quality() == 0 ? null : p.quality();
        Integer fps = orZero(p.fps()) == 0 ? null : p.fps();
        Integer fpsDen = fps == null ? null : p.fpsDen() == null ? 1 : p.fpsDen();
        return new Rendition(
                p.name(), size[0], size[1], p.bitrate(), quality, fps, fpsDen, gop(p), p.profile(), encoder);
    }

    /**
     * Livepeer's encoder sizing: clamp the box to the codec's maximum, take its long side as the
     * output's long side, derive the short side from the source aspect ratio (rounded to even), and
     * if a side falls below the codec's minimum set it to the minimum and derive the other.
     */
    static int[] outputSize(int boxW, int boxH, int srcW, int srcH, Encoder encoder) {
        int max = encoder == Encoder.H264 ? 4096 : 8192;
        int minW = encoder == Encoder.HEVC ? 132 : encoder == Encoder.H264 ? 146 : 16;
        int minH = encoder == Encoder.HEVC ? 40 : encoder == Encoder.H264 ? 50 : 16;
        int longSide = roundEven(Math.max(Math.min(boxW, max), Math.min(boxH, max)));
        int w;
        int h;
        if (srcW >= srcH) {
            w = longSide;
            h = roundEven((double) longSide * srcH / srcW);
        } else {
            h = longSide;
            w = roundEven((double) longSide * srcW / srcH);
        }
        if (h < minH) {
            h = roundEven(minH);
            w = roundEven((double) h * srcW / srcH);
        }
        if (w < minW) {
            w = roundEven(minW);
            h = roundEven((double) w * srcH / srcW);
        }
        return new int[] {w, h};
    }

    private static Double gop(TranscodeProfile p) throws MediaException {
        String gop = p.gop() == null ? "" : p.gop().trim().toLowerCase(Locale.ROOT);
        if (gop.isEmpty()) {
            return null;
        }
        if (gop.equals("intra")) {
            return 0.0;
        }
        try {
            double seconds = Double.parseDouble(gop);
            if (seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds)) {
                throw new NumberFormatException(gop);
            }
            return seconds == 0 ? null : seconds;
        } catch (NumberFormatException e) {
            throw invalid(
                    "profile \"" + p.name() + "\" has gop \"" + p.gop() + "\"; use seconds (e.g. \"2\") or \"intra\"");
        }
    }

    private static MediaException invalid(String message) {
        return MediaException.badInput("invalid_profile", message);
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    static int roundEven(double value) {
        return (int) Math.max(2, 2 * Math.round(value / 2));
    }

    static int roundDownEven(int value) {
        return Math.max(2, value - value % 2);
    }

    static int roundUpEven(int value) {
        return value % 2 == 0 ? value : value + 1;
    }
}
