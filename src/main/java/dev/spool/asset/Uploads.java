package dev.spool.asset;

import org.jdbi.v3.core.Handle;

/** Where a direct upload's single-use token is minted, in the transaction that creates the asset. */
public interface Uploads {
    /** Answers the token to hand to the client (only its hash is stored). */
    String create(Handle h, String assetId, String taskId, long now);
}
