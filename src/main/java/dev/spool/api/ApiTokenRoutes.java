package dev.spool.api;

import dev.spool.account.Accounts;
import dev.spool.account.ApiKeyInfo;
import dev.spool.error.SpoolException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /api/api-token...}: the caller's API keys in the caller's project, in Livepeer's shape. A key's secret is
 * answered once, by the create call; lists and reads never carry it.
 */
final class ApiTokenRoutes {
    private static final int MAX_NAME = 200;

    private final Accounts accounts;
    private final Authentication auth;

    record NewApiToken(String name) {}

    ApiTokenRoutes(Accounts accounts, Authentication auth) {
        this.accounts = accounts;
        this.auth = auth;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/api-token", ctx -> {
            var caller = auth.require(ctx);
            ctx.json(accounts.listApiKeys(caller.userId(), caller.projectId()).stream()
                    .map(ApiTokenRoutes::view)
                    .toList());
        });
        routes.post("/api/api-token", this::create);
        routes.delete("/api/api-token/{id}", ctx -> {
            var caller = auth.require(ctx);
            if (!accounts.revokeApiKey(caller.userId(), caller.projectId(), ctx.pathParam("id"))) {
                throw SpoolException.notFound();
            }
            ctx.status(204);
        });
    }

    private void create(Context ctx) {
        var caller = auth.require(ctx);
        var input = JsonBody.read(ctx, NewApiToken.class);
        String name = input.name() == null ? "" : input.name().strip();
        if (name.isEmpty()) {
            throw SpoolException.invalid("name", "is required");
        }
        if (name.length() > MAX_NAME) {
            throw SpoolException.invalid("name", "is longer than " + MAX_NAME + " characters");
        }
        var created = accounts.createApiKey(caller.userId(), caller.projectId(), name);
        var body = view(created.info());
        body.put("secret", created.secret());
        ctx.status(201).json(body);
    }

    private static Map<String, Object> view(ApiKeyInfo key) {
        var body = new LinkedHashMap<String, Object>();
        body.put("id", key.id());
        body.put("name", key.name());
        body.put("userId", key.userId());
        body.put("projectId", key.projectId());
        body.put("createdAt", key.createdAt());
        return body;
    }
}
