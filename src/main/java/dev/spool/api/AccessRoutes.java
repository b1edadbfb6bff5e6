package dev.spool.api;

import dev.spool.access.SigningKeyInput;
import dev.spool.access.SigningKeys;
import dev.spool.access.UploadKey;
import dev.spool.error.SpoolException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;

/**
 * {@code /api/access-control/...}: the signing keys that playback tokens are checked against, and the public key
 * that uploads' AES keys are encrypted to.
 */
final class AccessRoutes {
    private final SigningKeys keys;
    private final UploadKey uploadKey;
    private final Authentication auth;

    AccessRoutes(SigningKeys keys, UploadKey uploadKey, Authentication auth) {
        this.keys = keys;
        this.uploadKey = uploadKey;
        this.auth = auth;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/access-control/public-key", ctx -> ctx.json(Map.of("spki_public_key", uploadKey.publicKey())));
        routes.post("/api/access-control/signing-key", this::create);
        routes.get("/api/access-control/signing-key", ctx -> ctx.json(keys.list(auth.require(ctx))));
        routes.get(
                "/api/access-control/signing-key/{id}",
                ctx -> ctx.json(keys.get(auth.require(ctx), ctx.pathParam("id"))));
        routes.patch("/api/access-control/signing-key/{id}", this::update);
        routes.delete("/api/access-control/signing-key/{id}", ctx -> {
            keys.delete(auth.require(ctx), ctx.pathParam("id"));
            ctx.status(204);
        });
    }

    private void create(Context ctx) {
        var caller = auth.require(ctx);
        // Livepeer's SDKs may send no body at all: every field is optional.
        var input = ctx.body().isBlank()
                ? new SigningKeyInput(null, null, null)
                : JsonBody.read(ctx, SigningKeyInput.class);
        if (input.disabled() != null) {
            throw SpoolException.invalid("disabled", "cannot be set on creation; PATCH the key to disable it");
        }
        if (input.projectId() != null && !input.projectId().equals(caller.projectId())) {
            throw SpoolException.invalid(
                    "projectId", "must be the project of the API key ('" + caller.projectId() + "') or left out");
        }
        ctx.json(keys.create(caller, input.name()));
    }

    private void update(Context ctx) {
        var caller = auth.require(ctx);
        var input = JsonBody.read(ctx, SigningKeyInput.class);
        if (input.projectId() != null) {
            throw SpoolException.invalid("projectId", "cannot be changed; only name and disabled can");
        }
        keys.update(caller, ctx.pathParam("id"), input.name(), input.disabled());
        ctx.status(204);
    }
}
