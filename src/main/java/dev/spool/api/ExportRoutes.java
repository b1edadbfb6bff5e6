package dev.spool.api;

import dev.spool.asset.ExportService;
import dev.spool.task.TaskParams;
import io.javalin.config.RoutesConfig;
import java.util.Map;

/** {@code POST /api/asset/{id}/export} and {@code POST /api/data/export}: send a file or a JSON document to a URL or to IPFS. */
final class ExportRoutes {
    private final ExportService exports;
    private final Authentication auth;
    private final Idempotency idempotency;

    ExportRoutes(ExportService exports, Authentication auth, Idempotency idempotency) {
        this.exports = exports;
        this.auth = auth;
        this.idempotency = idempotency;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/asset/{id}/export", idempotency.wrap(ctx -> {
            var task =
                    exports.export(auth.require(ctx), ctx.pathParam("id"), JsonBody.read(ctx, TaskParams.Export.class));
            ctx.status(201).json(Map.of("task", task));
        }));
        routes.post("/api/data/export", idempotency.wrap(ctx -> {
            var task = exports.exportData(auth.require(ctx), JsonBody.read(ctx, TaskParams.ExportData.class));
            ctx.status(201).json(Map.of("task", task));
        }));
    }
}
