package dev.spool.account;

/** The one moment a key's secret is known to Spool: right after creation, to be shown once. */
public record CreatedApiKey(ApiKeyInfo info, String secret) {}
