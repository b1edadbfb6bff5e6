package dev.spool.media;

/** A ratio as ffprobe writes them ({@code 30000/1001}, {@code 16:9}); the denominator may be 0 for "unknown". */
record Fraction(long numerator, long denominator) {

    static Fraction parse(String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.split("[/:]");
        try {
            if (parts.length == 1) {
                return new Fraction(Long.parseLong(parts[0].trim()), 1);
            }
            if (parts.length == 2) {
                return new Fraction(Long.parseLong(parts[0].trim()), Long.parseLong(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    /** The value, or 0 when the denominator is 0 (ffprobe's "0/0"). */
    double value() {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }

    @Override
    public String toString() {
        return numerator + "/" + denominator;
    }
}
