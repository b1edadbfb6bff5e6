package dev.spool.asset;

/**
 * The body of {@code POST /clip} (Livepeer's {@code clip-payload}): {@code playbackId} is an asset's, and the times
 * are milliseconds from that asset's start.
 */
public record ClipRequest(String playbackId, Double startTime, Double endTime, String name, String sessionId) {}
