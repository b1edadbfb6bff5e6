package dev.spool.media;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The audio of a chunked encode, encoded once for the whole input by its own ffmpeg while the chunks' video is
 * encoded (see {@link EncodeCommand#buildAudio}). Closing it stops that ffmpeg if it still runs, and waits until it
 * has gone.
 */
public final class JoinAudio implements AutoCloseable {
    /**
     * The code of the audio encode's failure: it says nothing against the chunks, which an attempt that fails with it
     * keeps for the next.
     */
    public static final String FAILED = "audio_encode_failed";

    private final ExecutorService beside = Executors.newVirtualThreadPerTaskExecutor();
    private final Future<ChildProcess.Result> encoded;

    /** Starts {@code command} in {@code work}; a null command (the input has no audio) starts nothing. */
    JoinAudio(List<String> command, FfmpegBinaries binaries, WorkDir work, Duration timeout) {
        encoded = command == null
                ? null
                : beside.submit(LogContext.carried(
                        () -> ChildProcess.run(command, binaries.environment(), work.path(), null, timeout)));
    }

    /** Returns once the audio is in {@link EncodeCommand#JOIN_AUDIO}, or at once if the input has none. */
    void await() throws MediaException, InterruptedException {
        if (encoded == null) {
            return;
        }
        ChildProcess.Result result;
        try {
            result = encoded.get();
        } catch (ExecutionException e) {
            throw new MediaException(
                    FAILED, "encoding the audio failed: " + e.getCause().getMessage(), true, e);
        }
        if (!result.ok()) {
            throw result.failure(FAILED, "encoding the audio");
        }
    }

    @Override
    public void close() {
        // an encode that failed, or was stopped, takes the audio's ffmpeg with it
        beside.shutdownNow();
        beside.close();
    }
}
