package dev.spool.media;

import java.util.Locale;

/**
 * Which default ladder a source without profiles gets: Spool's, or Livepeer's rule reproduced exactly
 * for callers that compare outputs with Livepeer's.
 */
public enum Ladder {
    SPOOL,
    LIVEPEER;

    /** From a setting's text, {@code spool} or {@code livepeer}, in any case. */
    public static Ladder parse(String text) {
        for (Ladder ladder : values()) {
            if (ladder.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return ladder;
            }
        }
        throw new IllegalArgumentException("unknown ladder \"" + text + "\"; use spool or livepeer");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
