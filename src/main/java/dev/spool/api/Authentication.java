package dev.spool.api;

import dev.spool.account.Accounts;
import dev.spool.account.Principal;
import dev.spool.db.Notifications;
import dev.spool.db.ReadCache;
import dev.spool.error.SpoolException;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * Resolves {@code Authorization: Bearer <key>} to a principal. A key seen recently is remembered so that polling
 * clients cost a map lookup, not one query per request. A key created or revoked by any process is forgotten by
 * every process as soon as it hears of it (at once in the process that revoked it); when the store's notifications
 * are not live, every request asks the store. A key changed where this process cannot hear it (the {@code apikey}
 * command run beside a server on the embedded store's file) is forgotten after {@link #REMEMBER} all the same.
 */
final class Authentication {
    private static final String ATTRIBUTE = "spool.principal";
    static final Duration REMEMBER = Duration.ofSeconds(5);
    private static final int REMEMBER_MAX = 10_000;

    private final Accounts accounts;
    private final ReadCache<String, Optional<Principal>> recent;

    Authentication(Accounts accounts, Notifications notifications) {
        this.accounts = accounts;
        this.recent = new ReadCache<>(notifications::live, REMEMBER_MAX, REMEMBER);
        // A revocation names the key by id, which a secret is not looked up by: every remembered key goes.
        notifications.subscribe(Accounts.KEYS_CHANGED, key -> recent.forgetAll(), recent::forgetAll);
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
        return recent.get(secret, () -> accounts.authenticate(secret));
    }

    private static SpoolException unauthenticated(String message) {
        return new SpoolException(SpoolException.Kind.UNAUTHENTICATED, "unauthenticated", message);
    }
}
