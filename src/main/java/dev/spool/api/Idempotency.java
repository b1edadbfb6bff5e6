package dev.spool.api;

import dev.spool.error.SpoolException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * {@code Idempotency-Key} on the POSTs that create something: the same key with the same request within 24 hours
 * answers the first answer again (status and body) without doing the work twice; the same key with another request
 * is 422. Only answers that succeeded are kept: a refused or failed request may be sent again under its key. The
 * handler runs in one transaction with the keeping of its answer ({@link IdempotencyKeys#answerWithin}), so it must
 * do no slow work beside the store's (a lookup on the network belongs in a check, {@link #wrap(Check, Create)}). A
 * create route opts in with {@code routes.post(path, idempotency.wrap(handler))}.
 */
final class Idempotency {
    static final String HEADER = "Idempotency-Key";
    private static final int MAX_KEY = 255;
    // A claim left unanswered this long belongs to a request that died: its create, which commits only together with
    // the answer, wrote nothing, so a repeat may take the key over.
    private static final Duration ABANDONED = Duration.ofMinutes(2);

    private final IdempotencyKeys keys;
    private final Authentication auth;
    private final Clock clock;

    Idempotency(IdempotencyKeys keys, Authentication auth, Clock clock) {
        this.keys = keys;
        this.auth = auth;
        this.clock = clock;
    }

    /** Checks a request before its create's transaction: work that must not hold the store, such as a lookup. */
    interface Check<T> {
        T check(Context ctx) throws Exception;
    }

    /** Creates what a request asks for, with what its check found. */
    interface Create<T> {
        void create(Context ctx, T checked) throws Exception;
    }

    Handler wrap(Handler create) {
        return wrap(ctx -> null, (ctx, nothing) -> create.handle(ctx));
    }

    /**
     * As {@link #wrap(Handler)}, with {@code check} run before the create's transaction, after the key's lookup: a
     * repeat answers the first answer without checking again.
     */
    <T> Handler wrap(Check<T> check, Create<T> create) {
        return ctx -> {
            String key = ctx.header(HEADER);
            if (key == null) {
                create.create(ctx, check.check(ctx));
                return;
            }
            if (key.isBlank() || key.length() > MAX_KEY) {
                throw SpoolException.badRequest(
                        "bad_idempotency_key", HEADER + " must be 1 to " + MAX_KEY + " characters");
            }
            String user = auth.require(ctx).userId();
            String hash = hash(ctx);
            long now = clock.millis();
            while (!keys.claim(user, key, hash, now)) {
                var existing = keys.find(user, key);
                if (existing.isEmpty()) {
                    continue;
                }
                var entry = existing.get();
                if (entry.createdAt() < now - IdempotencyKeys.KEPT.toMillis()) {
                    keys.release(user, key, entry.createdAt());
                    continue;
                }
                if (entry.status() == null && entry.createdAt() < now - ABANDONED.toMillis()) {
                    // Unanswered only: the request may be answering right now, and its answer must stay.
                    keys.releaseUnanswered(user, key, entry.createdAt());
                    continue;
                }
                if (!entry.requestHash().equals(hash)) {
                    throw SpoolException.invalid(
                            HEADER,
                            "was used for another request in the last 24 hours; " + "use a new key for a new request");
                }
                if (entry.status() == null) {
                    throw new SpoolException(
                            SpoolException.Kind.CONFLICT,
                            "idempotency_key_in_use",
                            "a request with this " + HEADER + " is still running; send it again in a moment",
                            Duration.ofSeconds(1));
                }
                if (entry.body() == null) {
                    throw new SpoolException(
                            SpoolException.Kind.CONFLICT,
                            "idempotency_answer_unreadable",
                            "the first answer under this " + HEADER + " cannot be opened with this server's key "
                                    + "(it was altered in the database) and cannot be sent again; what it created "
                                    + "is in the lists, and a new request takes a new key");
                }
                ctx.status(entry.status()).contentType("application/json").result(entry.body());
                ctx.header("Idempotent-Replayed", "true");
                return;
            }
            boolean answered;
            try {
                T checked = check.check(ctx);
                answered = keys.answerWithin(user, key, now, () -> {
                    create.create(ctx, checked);
                    String body = ctx.result();
                    return ctx.statusCode() < 300 && body != null
                            ? Optional.of(new IdempotencyKeys.Answer(ctx.statusCode(), body))
                            : Optional.empty();
                });
            } catch (Exception e) {
                try {
                    keys.releaseUnanswered(user, key, now);
                } catch (RuntimeException release) {
                    e.addSuppressed(release);
                }
                throw e;
            }
            if (!answered) {
                keys.releaseUnanswered(user, key, now);
            }
        };
    }

    /** Method, path and body: what must match for a repeat to be the same request. */
    private static String hash(Context ctx) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update((ctx.method() + " " + ctx.path() + "\n").getBytes(StandardCharsets.UTF_8));
            digest.update(ctx.bodyAsBytes());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
