package dev.spool.api;

import dev.spool.account.Accounts;
import dev.spool.error.SpoolException;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/user/me} (the caller's own user, so a client can tell an admin's key from another) and the
 * admin-only {@code GET /api/user} (every user, for an admin to pick whose resources to look at), in Livepeer's
 * user shape.
 */
final class UserRoutes {
    private final Accounts accounts;
    private final Authentication auth;
    private final String publicUrl;

    UserRoutes(Accounts accounts, Authentication auth, String publicUrl) {
        this.accounts = accounts;
        this.auth = auth;
        this.publicUrl = publicUrl;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/user/me", ctx -> {
            var caller = auth.require(ctx);
            // Users are never deleted, so a live key's user is found; a row removed by hand answers 404.
            ctx.json(view(accounts.findUser(caller.userId()).orElseThrow(SpoolException::notFound)));
        });
        routes.get("/api/user", ctx -> {
            auth.requireAdmin(ctx);
            var query = ListRequest.parse(ctx, Accounts.USER_FIELDS, Accounts.USER_NUMERIC_FIELDS, Set.of());
            var page = accounts.listUsers(query, ListRequest.wantsCount(ctx)).map(UserRoutes::view);
            ListRequest.respond(ctx, query, page, publicUrl);
        });
    }

    private static Map<String, Object> view(Accounts.User user) {
        var body = new LinkedHashMap<String, Object>();
        body.put("id", user.id());
        body.put("email", user.email());
        body.put("admin", user.admin());
        body.put("createdAt", user.createdAt());
        return body;
    }
}
