package dev.spool.testing;

import dev.spool.task.engine.TaskHandler;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestServer} per store for a whole {@link BothStores} test class: started by the first test that asks
 * for it, closed when the class has run on that store. Starting lazily, from a test, is what lets a missing
 * {@code SPOOL_TEST_POSTGRES_URL} skip each PostgreSQL test visibly instead of silently dropping the whole run.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SharedServers servers = new SharedServers();
 *
 * @Parameter
 * Store store;
 *
 * TestServer server() { return servers.on(store); }
 * }</pre>
 */
public final class SharedServers implements AfterClassTemplateInvocationCallback, AfterAllCallback {
    private final Map<String, String> overrides;
    private final List<TaskHandler> handlers;
    private final Map<Store, TestServer> started = new EnumMap<>(Store.class);

    public SharedServers() {
        this(Map.of());
    }

    /** {@code overrides}: SPOOL_* variables for every server, as {@link TestServer#start(Store, Map)} takes them. */
    public SharedServers(Map<String, String> overrides) {
        this(overrides, List.of());
    }

    /** With extra task handlers installed in every server (test task types). */
    public SharedServers(Map<String, String> overrides, List<TaskHandler> handlers) {
        this.overrides = Map.copyOf(overrides);
        this.handlers = List.copyOf(handlers);
    }

    /** The server on this store, started on first use; skips the calling test when that store is not available. */
    public synchronized TestServer on(Store store) {
        return started.computeIfAbsent(store, s -> TestServer.start(s, overrides, handlers));
    }

    @Override
    public void afterClassTemplateInvocation(ExtensionContext context) {
        closeAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeAll();
    }

    private synchronized void closeAll() {
        started.values().forEach(TestServer::close);
        started.clear();
    }
}
