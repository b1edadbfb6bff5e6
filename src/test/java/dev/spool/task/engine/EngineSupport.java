package dev.spool.task.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.config.Config;
import dev.spool.json.Json;
import dev.spool.testing.Await;
import dev.spool.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** What engine tests share: scripted task payloads, tasks to claim and waiting on the engine. */
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

    /**
     * An {@code export-data} task of the user, created through the API by the admin, whose content is the given JSON
     * (a script for {@link ScriptedHandler}, or {@code {}}): its id.
     */
    public static String createExportTask(TestServer server, String userId, String content) {
        var response = server.admin()
                .post(
                        "/api/task",
                        Map.of(
                                "type",
                                "export-data",
                                "userId",
                                userId,
                                "params",
                                Map.of("exportData", Map.of("content", json(content)))));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().path("id").asText();
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
