package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;

/** The body of {@code PATCH /asset/{id}}: only these fields may change. */
public record AssetPatch(String name, JsonNode creatorId, JsonNode playbackPolicy, JsonNode storage) {}
