package dev.spool.asset;

/** Asset state changes that subscribers (webhooks) hear of, with Livepeer's event names. */
public enum AssetEvent {
    CREATED("asset.created"),
    UPDATED("asset.updated"),
    READY("asset.ready"),
    FAILED("asset.failed"),
    DELETED("asset.deleted");

    private final String wire;

    AssetEvent(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
