package dev.spool.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** The kinds of work a task can be; the wire names are Livepeer's. */
public enum TaskType {
    UPLOAD("upload"),
    EXPORT("export"),
    EXPORT_DATA("export-data"),
    TRANSCODE_FILE("transcode-file"),
    CLIP("clip");

    private final String wire;

    TaskType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static TaskType fromWire(String value) {
        return Arrays.stream(values())
                .filter(t -> t.wire.equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown task type '" + value
                        + "', expected one of upload, export, export-data, transcode-file, clip"));
    }
}
