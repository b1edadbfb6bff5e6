package dev.spool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Tasks and assets as aligned text columns for people. */
final class Listing {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private Listing() {}

    static void tasks(PrintWriter out, JsonNode tasks) {
        out.printf("%-36s  %-14s  %-9s  %8s  %s%n", "ID", "TYPE", "PHASE", "PROGRESS", "CREATED");
        for (var task : tasks) {
            task(out, task);
        }
    }

    static void task(PrintWriter out, JsonNode task) {
        var status = task.path("status");
        String progress =
                status.has("progress") ? Math.round(status.path("progress").asDouble() * 100) + "%" : "";
        out.printf(
                "%-36s  %-14s  %-9s  %8s  %s%n",
                task.path("id").asText(),
                task.path("type").asText(),
                status.path("phase").asText(),
                progress,
                time(task.path("createdAt")));
        if (status.has("errorMessage")) {
            out.println("  error: " + status.path("errorMessage").asText());
        }
    }

    static void assets(PrintWriter out, JsonNode assets) {
        out.printf("%-36s  %-10s  %-19s  %s%n", "ID", "PHASE", "CREATED", "NAME");
        for (var asset : assets) {
            out.printf(
                    "%-36s  %-10s  %-19s  %s%n",
                    asset.path("id").asText(),
                    asset.path("status").path("phase").asText(),
                    time(asset.path("createdAt")),
                    asset.path("name").asText(""));
        }
    }

    private static String time(JsonNode millis) {
        return millis.isNumber() ? TIME.format(Instant.ofEpochMilli(millis.asLong())) : "";
    }
}
