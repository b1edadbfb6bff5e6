package dev.spool.api;

import dev.spool.db.Database;
import io.javalin.config.RoutesConfig;

import java.util.List;
import java.util.Map;

/** {@code /healthz}: the process answers. {@code /readyz}: the store of record answers too. */
final class HealthRoutes {
    private final Database database;

    HealthRoutes(Database database) {
        this.database = database;
    }

    void register(RoutesConfig routes) {
        routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/readyz", ctx -> {
            if (database.reachable()) {
                ctx.json(Map.of("status", "ready"));
            } else {
                ctx.status(503).json(Map.of("errors", List.of("the database is not reachable")));
            }
        });
    }
}
