package dev.spool.task.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/** Users take turns: one user's backlog cannot starve another's few tasks. */
@BothStores
class FairnessTest {
    static final Path LOG = SideEffects.tempLog("spool-fairness-");

    @RegisterExtension
    static final SharedServers servers =
            new SharedServers(Map.of("SPOOL_WORKERS", "2"), List.of(new ScriptedHandler(LOG, "inproc")));

    @Parameter
    Store store;

    final SideEffects effects = new SideEffects(LOG);
    TestServer server;

    @BeforeEach
    void connect() {
        server = servers.on(store);
    }

    private String createFor(String userId, String script) {
        return EngineSupport.createExportTask(server, userId, script);
    }

    @Test
    void allOfBsFiveTasksStartBeforeTheFifteenthOfAsFifty() {
        var blocker = server.createUserKey("blocker-" + System.nanoTime() + "@example.com");
        var a = server.createUserKey("a-" + System.nanoTime() + "@example.com");
        var b = server.createUserKey("b-" + System.nanoTime() + "@example.com");
        // Both worker slots are busy while A and B queue, so the order of starts is the engine's choice alone.
        var blockers = Set.of(
                createFor(blocker.userId(), "{\"sleepMs\": 4000}"), createFor(blocker.userId(), "{\"sleepMs\": 4000}"));
        Await.until(
                () -> effects.starts().stream()
                        .filter(s -> blockers.contains(s.taskId()))
                        .count(),
                n -> n == 2,
                Duration.ofSeconds(5),
                "the blockers");
        var aTasks = new HashSet<String>();
        for (int i = 0; i < 50; i++) {
            aTasks.add(createFor(a.userId(), "{\"sleepMs\": 50}"));
        }
        var bTasks = new HashSet<String>();
        for (int i = 0; i < 5; i++) {
            bTasks.add(createFor(b.userId(), "{\"sleepMs\": 50}"));
        }

        Await.until(
                () -> effects.dones().stream()
                        .filter(d -> aTasks.contains(d.taskId()) || bTasks.contains(d.taskId()))
                        .count(),
                n -> n == 55,
                Duration.ofSeconds(60),
                "all tasks");

        var order = new ArrayList<String>();
        effects.starts().stream()
                .filter(s -> aTasks.contains(s.taskId()) || bTasks.contains(s.taskId()))
                .forEach(s -> order.add(aTasks.contains(s.taskId()) ? "A" : "B"));
        int fifteenthOfA = -1;
        int seenA = 0;
        int lastB = -1;
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i).equals("A") && ++seenA == 15) {
                fifteenthOfA = i;
            }
            if (order.get(i).equals("B")) {
                lastB = i;
            }
        }
        assertThat(lastB).as("start order %s", order).isLessThan(fifteenthOfA);
    }
}
