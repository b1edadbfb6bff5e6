package dev.spool.media;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a long input into chunks that separate ffmpeg processes encode at the same time. Chunk
 * boundaries fall on segment boundaries, where every rendition has a forced keyframe anyway, so
 * the chunks' segments join into one continuous playlist with unchanged numbering.
 */
final class ChunkPlan {

    /**
     * @param start        where the chunk starts in the input, seconds (a multiple of the segment length)
     * @param length       how long it is, or null for "to the end of the input"
     * @param firstSegment number of the chunk's first segment
     * @param expected     expected duration, seconds, for progress
     */
    record Chunk(int index, double start, Double length, int firstSegment, double expected) {}

    private ChunkPlan() {}

    /** How long the chunks are together, seconds. */
    static double duration(List<Chunk> chunks) {
        return chunks.stream().mapToDouble(Chunk::expected).sum();
    }

    static List<Chunk> plan(Double duration, double segmentSeconds, double thresholdSeconds, int maxParallel) {
        if (duration == null || duration <= thresholdSeconds || maxParallel < 2) {
            return List.of(new Chunk(0, 0, null, 0, duration == null ? 0 : duration));
        }
        int wanted = (int) Math.ceil(duration / thresholdSeconds);
        // whole waves keep every process busy until the end instead of one chunk finishing alone
        int count = (int) Math.ceil((double) wanted / maxParallel) * maxParallel;
        int segments = (int) Math.ceil(duration / segmentSeconds);
        int segmentsPerChunk = Math.max(1, (int) Math.ceil((double) segments / count));
        List<Chunk> chunks = new ArrayList<>();
        for (int first = 0; first < segments; first += segmentsPerChunk) {
            double start = first * segmentSeconds;
            boolean last = first + segmentsPerChunk >= segments;
            double length = segmentsPerChunk * segmentSeconds;
            chunks.add(new Chunk(chunks.size(), start, last ? null : length, first, last ? duration - start : length));
        }
        return chunks;
    }
}
