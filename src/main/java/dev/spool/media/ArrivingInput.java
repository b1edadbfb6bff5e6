package dev.spool.media;

/**
 * An input still being written into its file while the pipeline may already read it: through {@link #url()}, where
 * a read past what has arrived waits for it, and a fetch that fails ends every read short.
 */
public interface ArrivingInput {
    /** Where ffmpeg reads the input as it arrives (seekable: byte ranges). */
    String url();

    /** The first {@code length} bytes, or all of them if the input is shorter, once they have arrived. */
    byte[] head(int length) throws MediaException, InterruptedException;

    /** Returns once the whole input is in the file; throws what stopped it from getting there. */
    void awaitWhole() throws MediaException, InterruptedException;

    /** Throws what stopped the input from arriving, if something did by now; returns at once either way. */
    void throwIfFailed() throws MediaException;
}
