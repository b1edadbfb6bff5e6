package dev.spool.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Frame rates measured from timestamps, snapped to the standard rate they were meant to be. */
final class FrameRates {

    private static final List<Fraction> STANDARD = List.of(
            new Fraction(24000, 1001),
            new Fraction(24, 1),
            new Fraction(25, 1),
            new Fraction(30000, 1001),
            new Fraction(30, 1),
            new Fraction(48, 1),
            new Fraction(50, 1),
            new Fraction(60000, 1001),
            new Fraction(60, 1),
            new Fraction(90, 1),
            new Fraction(100, 1),
            new Fraction(120000, 1001),
            new Fraction(120, 1),
            new Fraction(144, 1),
            new Fraction(240, 1));
    /** Containers with millisecond timestamps put 33 and 34 ms between 30 fps frames. */
    private static final double SNAP = 0.015;
    /** Shorter gaps than this are timestamp noise, not frames. */
    private static final double MIN_GAP = 0.001;

    private FrameRates() {}

    /**
     * The rate of the shortest spacing the frames really use (the 5th percentile of the gaps between
     * consecutive timestamps, so a stray early timestamp does not count), or null with fewer than 3 frames.
     */
    static Fraction peak(List<Double> timestamps) {
        List<Double> sorted =
                timestamps.stream().filter(Objects::nonNull).sorted().toList();
        List<Double> gaps = new ArrayList<>();
        for (int i = 1; i < sorted.size(); i++) {
            double gap = sorted.get(i) - sorted.get(i - 1);
            if (gap >= MIN_GAP) {
                gaps.add(gap);
            }
        }
        if (gaps.size() < 2) {
            return null;
        }
        gaps.sort(null);
        double rate = 1 / gaps.get(gaps.size() / 20);
        Fraction nearest = null;
        double distance = SNAP;
        for (Fraction standard : STANDARD) {
            double d = Math.abs(rate - standard.value()) / standard.value();
            if (d <= distance) {
                nearest = standard;
                distance = d;
            }
        }
        return nearest != null ? nearest : new Fraction(Math.round(rate * 1000), 1000);
    }
}
