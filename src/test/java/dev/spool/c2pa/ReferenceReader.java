package dev.spool.c2pa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The C2PA reference implementation, c2pa-rs, in its WebAssembly build from npm ({@code @contentauth/c2pa-wasm}),
 * run by Node. Installed once into {@code target/c2pa-reader}; tests using it are skipped, saying why, where Node
 * or npm is missing.
 */
public final class ReferenceReader {
    private static final Path HOME = Path.of("target", "c2pa-reader").toAbsolutePath();
    private static final String PACKAGE = "@contentauth/c2pa-wasm@0.15.0";

    private ReferenceReader() {}

    /** The manifest store the reference reader finds in {@code file}, as its JSON. */
    public static synchronized JsonNode read(Path file, String mediaType) throws IOException, InterruptedException {
        Path script = install();
        String out = run(
                List.of(
                        "node",
                        script.toString(),
                        HOME.toString(),
                        file.toAbsolutePath().toString(),
                        mediaType),
                120);
        return Json.tree(out);
    }

    private static Path install() throws IOException, InterruptedException {
        Path script = HOME.resolve("read-manifest.mjs");
        if (!Files.exists(HOME.resolve("node_modules/@contentauth/c2pa-wasm/package.json"))) {
            for (String tool : List.of("node", "npm")) {
                if (!onPath(tool)) {
                    System.out.println("SKIPPED: the C2PA reference reader needs " + tool + ", not found on PATH");
                    Assumptions.abort(tool + " is not on PATH: the C2PA reference reader cannot run");
                }
            }
            Files.createDirectories(HOME);
            run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", HOME.toString(), PACKAGE), 300);
        }
        try (InputStream in =
                Objects.requireNonNull(ReferenceReader.class.getResourceAsStream("/c2pa/read-manifest.mjs"))) {
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    private static boolean onPath(String tool) {
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + text);
        }
        return text;
    }
}
