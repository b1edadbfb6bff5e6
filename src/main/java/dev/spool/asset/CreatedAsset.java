package dev.spool.asset;

/**
 * An asset with the id of its task; {@code existing} when an identical import was already under way.
 * Direct uploads also carry their upload URLs.
 */
public record CreatedAsset(Asset asset, String taskId, boolean existing, String url, String tusEndpoint) {}
