package dev.spool.reliability;

import dev.spool.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A generated request as it goes on the wire, sent as given over {@link RawHttp}; {@code declaredLength} larger than
 * the body means the client stops early.
 */
record FuzzRequest(String method, String target, Map<String, String> headers, byte[] body, long declaredLength) {

    /** Sends it on its own connection; a response that does not arrive within the timeout is a hang. */
    RawHttp.Answer send(RawHttp http) throws RawHttp.NoAnswer {
        var head = new LinkedHashMap<String, String>();
        head.put("Connection", "close");
        head.putAll(headers);
        if (body.length > 0
                || declaredLength > 0
                || List.of("POST", "PUT", "PATCH").contains(method)) {
            head.put("Content-Length", Long.toString(declaredLength));
        }
        return http.exchange(method + " " + target + " HTTP/1.1", head, body, declaredLength != body.length);
    }

    String reproducer() {
        var text = new StringBuilder(method)
                .append(' ')
                .append(abbreviate(target, 300))
                .append('\n');
        headers.forEach((name, value) -> text.append("  ")
                .append(name)
                .append(": ")
                .append(abbreviate(value, 200))
                .append('\n'));
        if (declaredLength != body.length) {
            text.append("  (Content-Length ")
                    .append(declaredLength)
                    .append(", ")
                    .append(body.length)
                    .append(" bytes sent, then EOF)\n");
        }
        if (body.length > 0) {
            boolean json = headers.getOrDefault("Content-Type", "").contains("json");
            text.append("  body: ")
                    .append(
                            json
                                    ? abbreviate(new String(body, StandardCharsets.UTF_8), 600)
                                    : body.length + " random bytes")
                    .append('\n');
        }
        return text.toString();
    }

    static String abbreviate(String text, int max) {
        String line = text.replaceAll("\\s*\n\\s*", " ");
        return line.length() <= max ? line : line.substring(0, max) + "...(" + line.length() + " chars)";
    }
}
