package dev.spool.api;

import dev.spool.cluster.WorkerRegistry;
import dev.spool.db.Database;
import io.javalin.config.RoutesConfig;
import java.util.List;
import java.util.Map;

/**
 * {@code /healthz}: the process answers. {@code /readyz}: the store of record answers too, and which worker
 * processes are alive and what each runs (no worker is not a failure: an API node may run before its workers).
 */
final class HealthRoutes {
    private final Database database;
    private final WorkerRegistry workers;

    HealthRoutes(Database database, WorkerRegistry workers) {
        this.database = database;
        this.workers = workers;
    }

    void register(RoutesConfig routes) {
        routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/readyz", ctx -> {
            if (database.reachable()) {
                ctx.json(Map.of("status", "ready", "workers", workers.alive()));
            } else {
                ctx.status(503).json(Map.of("errors", List.of("the database is not reachable")));
            }
        });
    }
}
