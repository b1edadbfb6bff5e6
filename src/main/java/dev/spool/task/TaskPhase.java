package dev.spool.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** pending (input not yet there) -> waiting (queued) -> running -> completed | failed | cancelled. */
public enum TaskPhase {
    PENDING,
    WAITING,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    @JsonCreator
    public static TaskPhase fromWire(String value) {
        return Arrays.stream(values())
                .filter(p -> p.wire().equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown phase '" + value
                        + "', expected one of pending, waiting, running, completed, failed, cancelled"));
    }
}
