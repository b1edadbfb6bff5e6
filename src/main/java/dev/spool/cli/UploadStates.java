package dev.spool.cli;

import dev.spool.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Where an interrupted upload left off: one small JSON file per local file, named by a hash of the server, the
 * file's path, size and modification time, so a changed file never resumes into an old upload.
 */
final class UploadStates {
    /** An upload in progress: its tus URL, the asset and task it feeds, and the last offset the server confirmed. */
    record State(String uploadUrl, String assetId, String taskId, long offset) {}

    private final Path dir;

    UploadStates(Path dir) {
        this.dir = dir;
    }

    /** {@code $XDG_CACHE_HOME/spool/uploads}, or {@code ~/.cache/spool/uploads}. */
    static Path defaultDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("spool").resolve("uploads");
    }

    static String key(String server, Path file, long size, long modifiedMillis) {
        try {
            var digest = MessageDigest.getInstance("SHA-256")
                    .digest((server + "\n" + file.toAbsolutePath().normalize() + "\n" + size + "\n" + modifiedMillis)
                            .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Optional<State> load(String key) {
        Path file = dir.resolve(key + ".json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(Files.readString(file), State.class));
        } catch (IOException | RuntimeException e) {
            // A state file cut short by a crash is worth nothing: the upload starts over.
            return Optional.empty();
        }
    }

    void save(String key, State state) {
        try {
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, key, ".tmp");
            Files.writeString(temp, Json.write(state));
            try {
                Files.move(
                        temp,
                        dir.resolve(key + ".json"),
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, dir.resolve(key + ".json"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the upload state in " + dir, e);
        }
    }

    void delete(String key) {
        try {
            Files.deleteIfExists(dir.resolve(key + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
