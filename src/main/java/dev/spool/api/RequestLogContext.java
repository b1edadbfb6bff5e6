package dev.spool.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.slf4j.MDC;

/**
 * Puts the task or asset a request is about into the logging context (MDC) for every line logged while it is
 * handled; {@link Authentication} adds the caller's user id once it is known. Nothing of an earlier request on the
 * same thread survives into the next.
 */
final class RequestLogContext {
    static final String USER_ID = "userId";

    private RequestLogContext() {}

    static void register(RoutesConfig routes) {
        routes.before(ctx -> MDC.clear());
        routes.beforeMatched(RequestLogContext::fromPath);
    }

    private static void fromPath(Context ctx) {
        String id = ctx.pathParamMap().get("id");
        if (id == null) {
            return;
        }
        String route = ctx.endpoints().matchedHttpEndpoint() == null
                ? ""
                : ctx.endpoints().matchedHttpEndpoint().path;
        if (route.startsWith("/api/task/")) {
            MDC.put("taskId", id);
        } else if (route.startsWith("/api/asset/{id}")) {
            MDC.put("assetId", id);
        }
    }
}
