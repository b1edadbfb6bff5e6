package dev.spool.mediajob;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import dev.spool.media.ChunkRunner;

/**
 * The parameters of an {@code encode-chunk} child task: the encode to run, the object holding the source, and the
 * object key prefix its files go under for the parent to collect.
 */
record ChunkSpec(ChunkRunner.Job job, String source, String output) {
    JsonNode toJson() {
        return Json.tree(Json.write(this));
    }

    static ChunkSpec of(JsonNode params) {
        return Json.read(params.toString(), ChunkSpec.class);
    }
}
