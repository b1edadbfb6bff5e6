package dev.spool.media;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A separate JVM for {@link LeftoverWorkTest}: runs one long child through {@link ChildProcess} from a virtual
 * thread, as a task worker does, until it is killed.
 */
public final class ChildProcessMain {
    private ChildProcessMain() {}

    public static void main(String[] args) throws Exception {
        Thread.ofVirtual()
                .start(() -> {
                    try {
                        ChildProcess.run(List.of(args), Map.of(), null, null, Duration.ofMinutes(10));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .join();
    }
}
