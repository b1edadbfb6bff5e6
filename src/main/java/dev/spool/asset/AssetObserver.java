package dev.spool.asset;

import org.jdbi.v3.core.Handle;

/** Learns of every asset state change inside the transaction that makes it (the asset as it is after it). */
public interface AssetObserver {
    void changed(Handle h, Asset asset, AssetEvent event);
}
