package dev.spool.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.spool.json.Json;
import io.javalin.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;

/** Javalin's JSON through Spool's single Jackson configuration. */
final class JacksonJsonMapper implements JsonMapper {
    @Override
    public String toJsonString(Object obj, Type type) {
        return Json.write(obj);
    }

    @Override
    public <T> T fromJsonString(String json, Type type) {
        try {
            return Json.mapper().readValue(json, Json.mapper().constructType(type));
        } catch (JsonProcessingException e) {
            throw new BodyException(e);
        }
    }

    @Override
    public <T> T fromJsonStream(InputStream json, Type type) {
        try {
            return Json.mapper().readValue(json, Json.mapper().constructType(type));
        } catch (JsonProcessingException e) {
            throw new BodyException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request body that is not the JSON the endpoint expects. */
    static final class BodyException extends RuntimeException {
        BodyException(JsonProcessingException cause) {
            super(cause);
        }

        JsonProcessingException problem() {
            return (JsonProcessingException) getCause();
        }
    }
}
