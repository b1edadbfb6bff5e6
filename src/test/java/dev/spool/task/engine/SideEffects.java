package dev.spool.task.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the scripted handler's side-effect log: one line per run start and per successful finish. */
record SideEffects(Path file) {

    /** A fresh, empty log file for one test class. */
    static Path tempLog(String prefix) {
        try {
            return Files.createTempFile(prefix, ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Line(String taskId, int attempt, String worker, String what, long at) {}

    List<Line> lines() {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            return Files.readAllLines(file).stream()
                    .filter(l -> !l.isBlank())
                    .map(l -> {
                        String[] f = l.split(" ");
                        return new Line(f[0], Integer.parseInt(f[1]), f[2], f[3], Long.parseLong(f[4]));
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Line> starts() {
        return lines().stream().filter(l -> l.what().equals("start")).toList();
    }

    List<Line> dones() {
        return lines().stream().filter(l -> l.what().equals("done")).toList();
    }

    List<Line> interruptions() {
        return lines().stream().filter(l -> l.what().equals("interrupted")).toList();
    }
}
