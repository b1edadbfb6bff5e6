package dev.spool.account;

/** Who is calling: the key's owner, the project the key is bound to, and whether the owner is an admin. */
public record Principal(String userId, String projectId, boolean admin, String keyName) {
    /** Whether this caller may see what {@code ownerId} owns in {@code ownerProjectId}: an admin sees everything. */
    public boolean canSee(String ownerId, String ownerProjectId) {
        return admin || (userId.equals(ownerId) && projectId.equals(ownerProjectId));
    }
}
