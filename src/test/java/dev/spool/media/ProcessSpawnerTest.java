package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProcessSpawnerTest {

    @Test
    void givenACallerInterruptedWhileItsProcessStarts_whenStarting_thenItIsInterruptedAndThatProcessIsStoppedNotLeft()
            throws Exception {
        // a number of seconds no other process of this JVM sleeps for: the test's own mark
        String seconds = "3" + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 1000) + ".5";
        Thread.currentThread().interrupt();

        Throwable thrown = catchThrowable(() -> ProcessSpawner.start(new ProcessBuilder("sleep", seconds)));

        // a process left behind would show within this second; one stopped went before start returned
        Thread.sleep(1000);
        List<ProcessHandle> left = sleeping(seconds);
        left.forEach(ProcessHandle::destroyForcibly);
        assertThat(thrown).isInstanceOf(InterruptedException.class);
        assertThat(left).as("the process started for the interrupted caller").isEmpty();
    }

    private static List<ProcessHandle> sleeping(String seconds) {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> List.of(a).contains(seconds))
                        .orElse(false))
                .toList();
    }
}
