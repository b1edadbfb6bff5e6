package dev.spool.task.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waiting for the engine without fixed sleeps: poll until a condition holds, or fail saying what was seen. */
public final class EngineSupport {
    private EngineSupport() {
    }

    public static <T> T await(Supplier<T> probe, Predicate<T> condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = probe.get();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not reach the expected state within " + timeout
                        + "; last seen: " + last);
            }
            sleep(Duration.ofMillis(50));
            last = probe.get();
        }
        return last;
    }

    static JsonNode json(String text) {
        return Json.tree(text);
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
