package dev.spool.api;

import dev.spool.account.Accounts;
import dev.spool.account.Principal;
import dev.spool.error.SpoolException;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.MDC;

/**
 * Resolves {@code Authorization: Bearer <key>} to a principal. A key seen recently is remembered for a few
 * seconds so that polling clients cost one hash, not one query per request; revocation takes effect within that.
 */
final class Authentication {
    private static final String ATTRIBUTE = "spool.principal";
    private static final long REMEMBER_MILLIS = 5_000;
    private static final int REMEMBER_MAX = 10_000;

    private final Accounts accounts;
    private final Clock clock;
    private final ConcurrentHashMap<String, Remembered> recent = new ConcurrentHashMap<>();

    private record Remembered(Optional<Principal> principal, long until) {}

    Authentication(Accounts accounts, Clock clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    /** The caller, or 401 with a message that says what is wrong with the credentials. */
    Principal require(Context ctx) {
        Principal known = ctx.attribute(ATTRIBUTE);
        if (known != null) {
            return known;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank() || header.trim().equalsIgnoreCase("bearer")) {
            throw unauthenticated("request is not authenticated: send 'Authorization: Bearer <API key>'");
        }
        String[] parts = header.trim().split("\\s+", 2);
        if (!parts[0].toLowerCase(Locale.ROOT).equals("bearer")) {
            throw unauthenticated("unsupported authorization header scheme: " + parts[0] + " (use Bearer)");
        }
        var principal =
                lookup(parts[1].trim()).orElseThrow(() -> unauthenticated("no such API key, or it was revoked"));
        ctx.attribute(ATTRIBUTE, principal);
        MDC.put(RequestLogContext.USER_ID, principal.userId());
        return principal;
    }

    Principal requireAdmin(Context ctx) {
        var principal = require(ctx);
        if (!principal.admin()) {
            throw new SpoolException(SpoolException.Kind.FORBIDDEN, "admin_only", "this endpoint is for admins only");
        }
        return principal;
    }

    private Optional<Principal> lookup(String secret) {
        long now = clock.millis();
        var remembered = recent.get(secret);
        if (remembered != null && remembered.until() > now) {
            return remembered.principal();
        }
        var principal = accounts.authenticate(secret);
        if (recent.size() >= REMEMBER_MAX) {
            recent.clear();
        }
        recent.put(secret, new Remembered(principal, now + REMEMBER_MILLIS));
        return principal;
    }

    private static SpoolException unauthenticated(String message) {
        return new SpoolException(SpoolException.Kind.UNAUTHENTICATED, "unauthenticated", message);
    }
}
