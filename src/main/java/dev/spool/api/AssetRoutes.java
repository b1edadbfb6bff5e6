package dev.spool.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.access.PlaybackPolicy;
import dev.spool.account.Principal;
import dev.spool.asset.AssetPatch;
import dev.spool.asset.AssetRepository;
import dev.spool.asset.AssetService;
import dev.spool.asset.CreatedAsset;
import dev.spool.asset.NewAsset;
import dev.spool.asset.PlaybackService;
import dev.spool.asset.Uploads;
import dev.spool.error.SpoolException;
import dev.spool.webhook.WebhookService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code /api/asset...} and {@code /api/playback/{id}}. */
final class AssetRoutes {
    /** Where Livepeer's schema allows null (it then means absent); the webhook context is the client's own. */
    private static final Set<String> PATCH_NULLABLE =
            Set.of("playbackPolicy", "playbackPolicy.webhookContext.*", "storage.ipfs", "storage.ipfs.spec");

    private static final Set<String> NEW_ASSET_NULLABLE = Set.of(
            "playbackPolicy", "playbackPolicy.webhookContext.*", "storage.ipfs", "storage.ipfs.spec", "profiles");

    private final AssetService assets;
    private final PlaybackService playback;
    private final Uploads uploads;
    private final Authentication auth;
    private final Idempotency idempotency;
    private final WebhookService webhooks;
    private final String publicUrl;

    AssetRoutes(
            AssetService assets,
            PlaybackService playback,
            Uploads uploads,
            Authentication auth,
            Idempotency idempotency,
            WebhookService webhooks,
            String publicUrl) {
        this.idempotency = idempotency;
        this.assets = assets;
        this.playback = playback;
        this.uploads = uploads;
        this.auth = auth;
        this.webhooks = webhooks;
        this.publicUrl = publicUrl;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/asset/upload/url", idempotency.wrap(this::importFromUrl));
        routes.post("/api/asset/request-upload", idempotency.wrap(this::requestUpload));
        routes.get("/api/asset", this::list);
        routes.get(
                "/api/asset/{id}", ctx -> ctx.json(assets.get(auth.require(ctx), ctx.pathParam("id"), details(ctx))));
        routes.patch("/api/asset/{id}", ctx -> {
            var caller = auth.require(ctx);
            var patch = JsonBody.read(ctx, AssetPatch.class, PATCH_NULLABLE);
            requireOwnWebhook(caller, patch.playbackPolicy());
            ctx.json(assets.patch(caller, ctx.pathParam("id"), patch));
        });
        routes.delete("/api/asset/{id}", ctx -> {
            assets.delete(auth.require(ctx), ctx.pathParam("id"));
            ctx.status(204);
        });
        routes.get("/api/playback/{id}", ctx -> {
            Cors.allowAnyOrigin(ctx);
            ctx.json(playback.info(ctx.pathParam("id")));
        });
    }

    private void importFromUrl(Context ctx) {
        var caller = auth.require(ctx);
        var request = JsonBody.read(ctx, NewAsset.class, NEW_ASSET_NULLABLE);
        requireOwnWebhook(caller, request.playbackPolicy());
        var created = assets.importFromUrl(caller, request);
        ctx.status(created.existing() ? 200 : 201).json(body(created));
    }

    private void requestUpload(Context ctx) {
        var caller = auth.require(ctx);
        var request = JsonBody.read(ctx, NewAsset.class, NEW_ASSET_NULLABLE);
        requireOwnWebhook(caller, request.playbackPolicy());
        var created = assets.requestUpload(caller, request, uploads);
        var body = new LinkedHashMap<String, Object>();
        body.put("url", created.url());
        body.put("tusEndpoint", created.tusEndpoint());
        body.putAll(body(created));
        ctx.json(body);
    }

    /** A webhook playback policy must name one of the caller's webhooks (400 otherwise, as Livepeer answers). */
    private void requireOwnWebhook(Principal caller, JsonNode policy) {
        if (policy == null
                || !PlaybackPolicy.WEBHOOK.equals(policy.path("type").asText())
                || !policy.path("webhookId").isTextual()) {
            return;
        }
        String id = policy.path("webhookId").asText();
        try {
            webhooks.get(caller, id);
        } catch (SpoolException e) {
            if (e.kind() != SpoolException.Kind.NOT_FOUND) {
                throw e;
            }
            throw SpoolException.badRequest("webhook_not_found", "webhook " + id + " not found");
        }
    }

    private static Map<String, Object> body(CreatedAsset created) {
        var body = new LinkedHashMap<String, Object>();
        body.put("asset", created.asset());
        body.put("task", Map.of("id", created.taskId()));
        return body;
    }

    private void list(Context ctx) {
        var caller = auth.require(ctx);
        var query = ListRequest.parse(
                ctx, AssetRepository.FIELDS, AssetRepository.NUMERIC_FIELDS, AssetRepository.FULL_TEXT_FIELDS);
        var page = assets.list(caller, query, ListRequest.allUsers(ctx), details(ctx), ListRequest.wantsCount(ctx));
        ListRequest.respond(ctx, query, page, publicUrl);
    }

    private static boolean details(Context ctx) {
        String details = ctx.queryParam("details");
        return details != null && !details.isEmpty() && !details.equals("false");
    }
}
