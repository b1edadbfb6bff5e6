package dev.spool.api;

import dev.spool.webhook.WebhookInput;
import dev.spool.webhook.WebhookLogs;
import dev.spool.webhook.WebhookRepository;
import dev.spool.webhook.WebhookService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** {@code /api/webhook...}: subscriptions, their delivery logs and resend. */
final class WebhookRoutes {
    private final WebhookService webhooks;
    private final Authentication auth;
    private final Idempotency idempotency;
    private final String publicUrl;

    WebhookRoutes(WebhookService webhooks, Authentication auth, Idempotency idempotency, String publicUrl) {
        this.idempotency = idempotency;
        this.webhooks = webhooks;
        this.auth = auth;
        this.publicUrl = publicUrl;
    }

    void register(RoutesConfig routes) {
        routes.post(
                "/api/webhook",
                idempotency.wrap(
                        // the check looks the URL's host up: a slow resolver must not hold the store
                        ctx -> webhooks.check(auth.require(ctx), JsonBody.read(ctx, WebhookInput.class)),
                        (ctx, checked) -> ctx.json(webhooks.create(checked))));
        routes.get("/api/webhook", this::list);
        routes.get("/api/webhook/{id}", ctx -> ctx.json(webhooks.get(auth.require(ctx), ctx.pathParam("id"))));
        routes.put(
                "/api/webhook/{id}",
                ctx -> ctx.json(webhooks.update(
                        auth.require(ctx), ctx.pathParam("id"), JsonBody.read(ctx, WebhookInput.class))));
        routes.delete("/api/webhook/{id}", ctx -> ctx.json(webhooks.delete(auth.require(ctx), ctx.pathParam("id"))));
        routes.get("/api/webhook/{id}/log", this::logs);
        routes.get(
                "/api/webhook/{id}/log/{logId}",
                ctx -> ctx.json(webhooks.log(auth.require(ctx), ctx.pathParam("id"), ctx.pathParam("logId"))));
        routes.post(
                "/api/webhook/{id}/log/{logId}/resend",
                ctx -> ctx.json(webhooks.resend(auth.require(ctx), ctx.pathParam("id"), ctx.pathParam("logId"))));
    }

    private void list(Context ctx) {
        var caller = auth.require(ctx);
        var query = ListRequest.parse(
                ctx, WebhookRepository.FIELDS, WebhookRepository.NUMERIC_FIELDS, WebhookRepository.FULL_TEXT_FIELDS);
        var page = webhooks.list(caller, query, ListRequest.allUsers(ctx), ListRequest.wantsCount(ctx));
        ListRequest.respond(ctx, query, page, publicUrl);
    }

    private void logs(Context ctx) {
        var caller = auth.require(ctx);
        var query =
                ListRequest.parse(ctx, WebhookLogs.FIELDS, WebhookLogs.NUMERIC_FIELDS, WebhookLogs.FULL_TEXT_FIELDS);
        var page = webhooks.logs(caller, ctx.pathParam("id"), query, ListRequest.wantsCount(ctx));
        ListRequest.respond(ctx, query, page, publicUrl);
    }
}
