package dev.spool.webhook;

/** Learns how each delivery attempt ended, once that is committed. */
public interface DeliveryObserver {
    /** {@code delivered}, {@code retrying} (a retry is scheduled), {@code failed} (given up) or {@code dropped}. */
    void attempted(String outcome);
}
