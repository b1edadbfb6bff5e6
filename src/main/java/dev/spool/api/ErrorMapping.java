package dev.spool.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.spool.db.Database;
import dev.spool.error.SpoolException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every failure into {@code {"errors": [...]}} with the right status; nothing internal leaks. */
final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    /** When a client may try again after the database did not answer: the pool replaces lost connections by then. */
    private static final Duration STORE_RETRY_AFTER = Duration.ofSeconds(5);

    private ErrorMapping() {}

    static void register(RoutesConfig routes) {
        routes.exception(SpoolException.class, (e, ctx) -> {
            e.retryAfter().ifPresent(d -> ctx.header("Retry-After", Long.toString(Math.max(1, d.toSeconds()))));
            respond(ctx, status(e.kind()), e.getMessage());
        });
        routes.exception(
                JacksonJsonMapper.BodyException.class,
                (e, ctx) -> respond(ctx, HttpStatus.UNPROCESSABLE_CONTENT, describe(e.problem())));
        routes.exception(Exception.class, (e, ctx) -> {
            var refused = clientFault(e);
            if (refused.isPresent()) {
                respond(ctx, refused.get().status(), refused.get().message());
                return;
            }
            if (Database.unreachable(e)) {
                log.warn("{} {}: the database did not answer ({})", ctx.method(), ctx.path(), e.getMessage());
                ctx.header("Retry-After", Long.toString(STORE_RETRY_AFTER.toSeconds()));
                respond(ctx, HttpStatus.SERVICE_UNAVAILABLE, "the database did not answer; try again in a few seconds");
                return;
            }
            log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
            respond(
                    ctx,
                    HttpStatus.INTERNAL_SERVER_ERROR,
                    "Internal server error: " + e.getClass().getSimpleName());
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            String message = switch (e.getStatus()) {
                case 404 -> "not found";
                case 405 -> "method " + ctx.method() + " is not allowed on " + ctx.path();
                default -> e.getMessage();
            };
            respond(ctx, HttpStatus.forStatus(e.getStatus()), message);
        });
    }

    private record ClientFault(HttpStatus status, String message) {}

    /**
     * A request the client broke while its body was read (it ended before its Content-Length, or Jetty refused it
     * as malformed) is the client's fault: a 4xx naming it, never a 500.
     */
    private static Optional<ClientFault> clientFault(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.eclipse.jetty.http.HttpException http
                    && http.getCode() >= 400
                    && http.getCode() < 500) {
                return Optional.of(new ClientFault(
                        HttpStatus.forStatus(http.getCode()),
                        "body: " + (cause instanceof EofException ? ENDED_EARLY : http.getReason())));
            }
            if (cause instanceof EofException) {
                return Optional.of(new ClientFault(HttpStatus.BAD_REQUEST, "body: " + ENDED_EARLY));
            }
        }
        return Optional.empty();
    }

    private static final String ENDED_EARLY = "the request ended before all of its body arrived";

    static void respond(Context ctx, HttpStatus status, String message) {
        ctx.status(status).json(Map.of("errors", List.of(message)));
    }

    private static HttpStatus status(SpoolException.Kind kind) {
        return switch (kind) {
            case BAD_REQUEST -> HttpStatus.BAD_REQUEST;
            case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case PRECONDITION_FAILED -> HttpStatus.PRECONDITION_FAILED;
            case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case UNSUPPORTED_MEDIA -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case INVALID -> HttpStatus.UNPROCESSABLE_CONTENT;
            case TOO_MANY -> HttpStatus.TOO_MANY_REQUESTS;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
        };
    }

    /** Names the offending field and says why, in words a person can act on. */
    static String describe(com.fasterxml.jackson.core.JsonProcessingException e) {
        if (e instanceof JsonParseException) {
            return "body: is not valid JSON (" + e.getOriginalMessage() + ")";
        }
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null
                    ? ""
                    : " (allowed: "
                            + u.getKnownPropertyIds().stream()
                                    .map(Object::toString)
                                    .sorted()
                                    .collect(Collectors.joining(", "))
                            + ")";
            return path(u) + ": unknown field" + known;
        }
        if (e instanceof InvalidNullException n) {
            return path(n) + ": must not be null";
        }
        if (e instanceof InvalidFormatException f
                && f.getValue() instanceof String value
                && !f.getOriginalMessage().startsWith("Cannot coerce")) {
            return path(f) + ": '" + value + "' is not a valid "
                    + f.getTargetType().getSimpleName().toLowerCase(Locale.ROOT);
        }
        if (e instanceof MismatchedInputException m) {
            String type = m.getTargetType() == null
                    ? "value"
                    : m.getTargetType().getSimpleName().toLowerCase(Locale.ROOT);
            return path(m) + ": must be " + article(type);
        }
        if (e instanceof JsonMappingException m && m.getCause() instanceof IllegalArgumentException iae) {
            return path(m) + ": " + iae.getMessage();
        }
        if (e instanceof JsonMappingException m) {
            return path(m) + ": " + m.getOriginalMessage();
        }
        return "body: " + e.getOriginalMessage();
    }

    private static String article(String type) {
        return switch (type) {
            case "string" -> "a string";
            case "integer", "int", "long" -> "an integer";
            case "double", "float" -> "a number";
            case "boolean" -> "a boolean";
            case "list", "arraylist", "set", "hashset" -> "an array";
            default -> "an object";
        };
    }

    private static String path(JsonMappingException e) {
        var parts = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        return parts.isEmpty() ? "body" : parts.replace(".[", "[");
    }
}
