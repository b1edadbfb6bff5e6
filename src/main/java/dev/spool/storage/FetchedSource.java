package dev.spool.storage;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a successful fetch wrote.
 *
 * @param finalUrl      the URL the bytes came from after redirects and gateway choice, credentials masked
 * @param contentLength the length the source announced, if it did
 * @param contentType   the media type the source announced, if it did (not trusted: the pipeline probes)
 * @param bytesWritten  bytes written to the target, always at least one
 */
public record FetchedSource(
        String finalUrl, OptionalLong contentLength, Optional<String> contentType, long bytesWritten) {}
