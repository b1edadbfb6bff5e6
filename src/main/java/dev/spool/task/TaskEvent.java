package dev.spool.task;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** One outbox row: a task state change, with the public snapshot of the task after it. */
public record TaskEvent(String taskId, int seq, Kind kind, String snapshot, long createdAt) {

    public enum Kind {
        SPAWNED("task.spawned"),
        UPDATED("task.updated"),
        COMPLETED("task.completed"),
        FAILED("task.failed"),
        CANCELLED("task.cancelled");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }

        public static Kind fromWire(String value) {
            return Arrays.stream(values())
                    .filter(k -> k.wire.equals(value))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown task event " + value));
        }
    }
}
