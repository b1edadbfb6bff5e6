package dev.spool.task.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.config.Config;
import dev.spool.json.Json;
import dev.spool.testing.Await;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** What engine tests share: scripted task payloads and waiting on the engine. */
public final class EngineSupport {
    private EngineSupport() {}

    /** {@link Await#until}, under the name engine tests already use. */
    public static <T> T await(Supplier<T> probe, Predicate<T> condition, Duration timeout, String what) {
        return Await.until(probe, condition, timeout, what);
    }

    /** Livepeer's engine defaults with another lease duration and running limit per user. */
    static Config.Engine defaultsWith(Duration leaseDuration, int maxRunningPerUser) {
        var d = Config.Engine.defaults();
        return new Config.Engine(
                d.maxRetries(),
                d.firstRetryDelay(),
                d.laterRetryDelay(),
                leaseDuration,
                d.runTimeLimit(),
                d.pendingTimeout(),
                d.maxUnfinishedPerUser(),
                maxRunningPerUser,
                d.shutdownGrace(),
                d.pollInterval());
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
