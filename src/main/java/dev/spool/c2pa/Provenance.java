package dev.spool.c2pa;

/**
 * What a signed output says about itself: the Spool version that made it, the source it was made from (a title, a
 * media type and the SHA-256 of its bytes) and, when known, its creator.
 */
public record Provenance(
        String spoolVersion, String sourceTitle, String sourceFormat, byte[] sourceSha256, String creator) {}
