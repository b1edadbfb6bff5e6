package dev.spool.api;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@code Range} request header read as RFC 9110 says: a header that is not a well-formed {@code bytes} range set is
 * ignored (the whole file is served); of a well-formed set, the first range that fits the file is served; when none
 * fits the answer is 416.
 */
record RangeHeader(Kind kind, long first, long last) {
    private static final Pattern SPEC = Pattern.compile("(\\d*)-(\\d*)");

    enum Kind {
        WHOLE,
        PART,
        UNSATISFIABLE
    }

    static RangeHeader parse(String header, long size) {
        if (header == null) {
            return whole();
        }
        String value = header.trim();
        int equals = value.indexOf('=');
        if (equals < 0 || !value.substring(0, equals).trim().equalsIgnoreCase("bytes")) {
            return whole();
        }
        String[] specs = value.substring(equals + 1).split(",", -1);
        RangeHeader chosen = null;
        for (String spec : specs) {
            var matcher = SPEC.matcher(spec.trim());
            if (!matcher.matches()
                    || (matcher.group(1).isEmpty() && matcher.group(2).isEmpty())) {
                return whole();
            }
            boolean suffix = matcher.group(1).isEmpty();
            if (!suffix && !matcher.group(2).isEmpty() && number(matcher.group(2)) < number(matcher.group(1))) {
                return whole();
            }
            if (chosen == null) {
                chosen = fit(matcher.group(1), matcher.group(2), size).orElse(null);
            }
        }
        return chosen == null ? new RangeHeader(Kind.UNSATISFIABLE, 0, -1) : chosen;
    }

    long length() {
        return last - first + 1;
    }

    private static RangeHeader whole() {
        return new RangeHeader(Kind.WHOLE, 0, -1);
    }

    /** The part of the file a well-formed range covers, if it covers any. */
    private static Optional<RangeHeader> fit(String first, String last, long size) {
        if (first.isEmpty()) {
            long suffix = number(last);
            return suffix == 0 || size == 0
                    ? Optional.empty()
                    : Optional.of(new RangeHeader(Kind.PART, Math.max(0, size - suffix), size - 1));
        }
        long from = number(first);
        long to = last.isEmpty() ? size - 1 : Math.min(number(last), size - 1);
        return from >= size ? Optional.empty() : Optional.of(new RangeHeader(Kind.PART, from, to));
    }

    /** A range bound; one too large for a long lies past the end of any file, so it saturates. */
    private static long number(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
