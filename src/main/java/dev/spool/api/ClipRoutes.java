package dev.spool.api;

import dev.spool.asset.AssetRepository;
import dev.spool.asset.AssetService;
import dev.spool.asset.ClipRequest;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code POST /api/clip} (clips of assets) and {@code GET /api/asset/{id}/clips}. */
final class ClipRoutes {
    private final AssetService assets;
    private final Authentication auth;
    private final Idempotency idempotency;
    private final String publicUrl;

    ClipRoutes(AssetService assets, Authentication auth, Idempotency idempotency, String publicUrl) {
        this.assets = assets;
        this.auth = auth;
        this.idempotency = idempotency;
        this.publicUrl = publicUrl;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/clip", idempotency.wrap(this::clip));
        routes.get("/api/asset/{id}/clips", this::list);
    }

    private void clip(Context ctx) {
        var created = assets.clip(auth.require(ctx), JsonBody.read(ctx, ClipRequest.class));
        var body = new LinkedHashMap<String, Object>();
        body.put("task", Map.of("id", created.taskId()));
        body.put("asset", created.asset());
        ctx.json(body);
    }

    private void list(Context ctx) {
        var caller = auth.require(ctx);
        var query = ListRequest.parse(
                ctx, AssetRepository.FIELDS, AssetRepository.NUMERIC_FIELDS, AssetRepository.FULL_TEXT_FIELDS);
        var page = assets.clips(caller, ctx.pathParam("id"), query, ListRequest.wantsCount(ctx));
        ListRequest.respond(ctx, query, page, publicUrl);
    }
}
