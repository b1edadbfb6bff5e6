package dev.spool.access;

/** The body of {@code POST} and {@code PATCH /access-control/signing-key...}; each says which fields it takes. */
public record SigningKeyInput(String name, String projectId, Boolean disabled) {}
