package dev.spool.account;

/** An API key as listed: never the secret, which exists only in the creator's hands. */
public record ApiKeyInfo(String id, String name, String userId, String projectId, long createdAt, Long revokedAt) {}
