package dev.spool.storage;

/**
 * What a store knows about one object.
 *
 * @param key          the key relative to the store, '/'-separated
 * @param size         size in bytes
 * @param etag         an opaque value that changes whenever the content changes
 * @param lastModified last modification, epoch milliseconds
 * @param contentType  the media type; {@code null} in {@link ObjectStore#list} results of stores whose
 *                     listings do not carry it (S3)
 */
public record ObjectInfo(String key, long size, String etag, long lastModified, String contentType) {}
