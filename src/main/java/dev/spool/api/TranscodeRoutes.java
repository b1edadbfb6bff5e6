package dev.spool.api;

import dev.spool.transcode.TranscodePayload;
import dev.spool.transcode.TranscodeService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** {@code POST /api/transcode}: transcode a file from the caller's storage into the caller's storage. */
final class TranscodeRoutes {
    private final TranscodeService transcodes;
    private final Authentication auth;
    private final Idempotency idempotency;

    TranscodeRoutes(TranscodeService transcodes, Authentication auth, Idempotency idempotency) {
        this.idempotency = idempotency;
        this.transcodes = transcodes;
        this.auth = auth;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/transcode", idempotency.wrap(this::create));
    }

    private void create(Context ctx) {
        var caller = auth.require(ctx);
        ctx.json(transcodes.create(caller, JsonBody.read(ctx, TranscodePayload.class)));
    }
}
