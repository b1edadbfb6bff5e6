package dev.spool.account;

/** Who is calling: the key's owner, the project the key is bound to, and whether the owner is an admin. */
public record Principal(String userId, String projectId, boolean admin, String keyName) {
}
