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
    CLIP("clip"),
    /** One chunk of a long input's encode: a child task, never shown, counted or announced. */
    ENCODE_CHUNK("encode-chunk");

    private final String wire;

    TaskType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** Internal types exist only as child tasks of a public one. */
    public boolean internal() {
        return this == ENCODE_CHUNK;
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
