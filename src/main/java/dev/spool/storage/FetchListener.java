package dev.spool.storage;

/** Told how a fetch advances. It runs on the fetching thread and should be cheap. */
@FunctionalInterface
public interface FetchListener {
    /** The bytes written to the target so far, after every chunk; from zero again when another gateway is tried. */
    void written(long total);

    /** The response about to be written announced its length; told before its first byte is written. */
    default void announced(long length) {}
}
