package dev.spool.api;

import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Gzip;
import java.util.List;
import java.util.stream.Stream;

/**
 * On-the-fly gzip for the text Spool writes (JSON, playlists, captions, YAML, plain text) and for nothing else:
 * media files are compressed already, and their Content-Length and byte ranges must count the stored bytes.
 */
final class Compression {
    private static final List<String> TEXT = List.of(
            "application/json",
            "application/vnd.apple.mpegurl",
            "application/x-mpegurl",
            "text/vtt",
            "application/yaml",
            "text/plain");

    private Compression() {}

    static CompressionStrategy textOnly() {
        var strategy = new CompressionStrategy(null, new Gzip());
        // Javalin compresses every type that no excluded entry is a substring of, unless the type is allowed exactly:
        // excluding "/" (part of every media type) leaves only the allowed list.
        strategy.setExcludedMimeTypes(List.of("/"));
        strategy.setAllowedMimeTypes(TEXT.stream()
                .flatMap(type -> Stream.of(type, type + ";charset=utf-8", type + "; charset=utf-8"))
                .toList());
        return strategy;
    }
}
