package dev.spool.task;

import dev.spool.error.SpoolException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks caller-given renditions against Livepeer's {@code transcode-profile} rules, naming the offending field. */
public final class Profiles {
    private static final Set<String> H264_PROFILES =
            Set.of("H264Baseline", "H264Main", "H264High", "H264ConstrainedHigh");
    private static final Set<String> ENCODERS = Set.of("H.264", "HEVC", "VP8", "VP9");

    private Profiles() {}

    public static void validate(String field, List<TaskParams.Profile> profiles) {
        if (profiles == null) {
            return;
        }
        if (profiles.isEmpty()) {
            throw SpoolException.invalid(field, "must hold at least one profile (leave it out for the default ladder)");
        }
        var names = new HashSet<String>();
        for (int i = 0; i < profiles.size(); i++) {
            var p = profiles.get(i);
            String at = field + "[" + i + "]";
            if (p == null) {
                throw SpoolException.invalid(at, "must be an object");
            }
            if (p.bitrate() == null || p.bitrate() < 400) {
                throw SpoolException.invalid(at + ".bitrate", "is required and must be at least 400 (bits/s)");
            }
            atLeast(at + ".width", p.width(), 128);
            atLeast(at + ".height", p.height(), 128);
            if (p.width() != null && p.width() > 8192 || p.height() != null && p.height() > 8192) {
                throw SpoolException.invalid(at, "width and height must be at most 8192");
            }
            if (p.quality() != null && (p.quality() < 0 || p.quality() > 44)) {
                throw SpoolException.invalid(at + ".quality", "must be between 0 and 44");
            }
            atLeast(at + ".fps", p.fps(), 0);
            atLeast(at + ".fpsDen", p.fpsDen(), 1);
            if (p.gop() != null && !p.gop().equals("intra") && !isPositiveNumber(p.gop())) {
                throw SpoolException.invalid(at + ".gop", "must be a number of seconds such as \"2\", or \"intra\"");
            }
            if (p.profile() != null && !H264_PROFILES.contains(p.profile())) {
                throw SpoolException.invalid(
                        at + ".profile",
                        "must be one of "
                                + String.join(
                                        ", ", H264_PROFILES.stream().sorted().toList()));
            }
            if (p.encoder() != null && !ENCODERS.contains(p.encoder())) {
                throw SpoolException.invalid(at + ".encoder", "must be one of H.264, HEVC, VP8, VP9");
            }
            if (p.name() != null
                    && (p.name().isEmpty()
                            || p.name().length() > 500
                            || !p.name().matches("[A-Za-z0-9._-]+"))) {
                throw SpoolException.invalid(
                        at + ".name",
                        "must be 1 to 500 letters, digits, '.', '_' or '-' (it names a folder of outputs)");
            }
            if (p.name() != null && !names.add(p.name())) {
                throw SpoolException.invalid(at + ".name", "'" + p.name() + "' is used by two profiles");
            }
        }
    }

    private static void atLeast(String field, Integer value, int min) {
        if (value != null && value < min) {
            throw SpoolException.invalid(field, "must be at least " + min);
        }
    }

    private static boolean isPositiveNumber(String text) {
        try {
            return Double.parseDouble(text) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
