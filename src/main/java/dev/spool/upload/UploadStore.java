package dev.spool.upload;

import dev.spool.asset.Asset;
import dev.spool.asset.AssetRepository;
import dev.spool.asset.AssetService;
import dev.spool.asset.AssetUrls;
import dev.spool.asset.Uploads;
import dev.spool.crypto.Tokens;
import dev.spool.db.Database;
import dev.spool.error.SpoolException;
import dev.spool.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Direct and resumable uploads. A request-upload mints a single-use token (only its hash is stored). A direct PUT
 * streams the body into the object store; a tus upload appends each PATCH to a part file in the data directory,
 * so it survives disconnects and restarts, and moves the whole file into the object store when the last byte
 * arrives. Either way the asset then waits for processing and its task is queued.
 */
public final class UploadStore implements Uploads {
    private final Jdbi jdbi;
    private final AssetRepository assets;
    private final AssetService assetService;
    private final ObjectStore store;
    private final Path partsDir;
    private final long maxBytes;
    private final Clock clock;
    private static final Duration WRITER_WAIT = Duration.ofSeconds(10);
    private static final Duration OFFSET_WAIT = Duration.ofSeconds(2);

    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public UploadStore(
            Database database,
            AssetRepository assets,
            AssetService assetService,
            ObjectStore store,
            Path partsDir,
            long maxBytes,
            Clock clock) {
        this.jdbi = database.jdbi();
        this.assets = assets;
        this.assetService = assetService;
        this.store = store;
        this.partsDir = partsDir;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /** One upload as stored: its tus resource id, asset, declared length and whether it completed. */
    public record Upload(String id, String assetId, String taskId, Long length, boolean completed) {}

    @Override
    public String create(Handle h, String assetId, String taskId, long now) {
        String token = Tokens.random();
        h.createUpdate("INSERT INTO uploads (id, token_hash, asset_id, task_id, created_at) "
                        + "VALUES (:id, :hash, :asset, :task, :now)")
                .bind("id", Tokens.random())
                .bind("hash", Tokens.sha256Hex(token))
                .bind("asset", assetId)
                .bind("task", taskId)
                .bind("now", now)
                .execute();
        return token;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The upload a token grants, still open; a used or unknown token is refused with a message saying which. */
    public Upload byToken(String token) {
        if (token == null || token.isBlank()) {
            throw new SpoolException(
                    SpoolException.Kind.UNAUTHENTICATED,
                    "missing_token",
                    "missing upload token: use the url or tusEndpoint returned by /api/asset/request-upload");
        }
        var upload = find("token_hash = :key", Tokens.sha256Hex(token))
                .orElseThrow(() ->
                        new SpoolException(SpoolException.Kind.FORBIDDEN, "invalid_token", "invalid upload token"));
        return open(upload);
    }

    /** A tus resource by id, still open. */
    public Upload byId(String id) {
        return open(find("id = :key", id).orElseThrow(SpoolException::notFound));
    }

    private Upload open(Upload upload) {
        var asset = assets.find(upload.assetId());
        if (upload.completed() || asset.isEmpty() || asset.get().status().phase() != Asset.Phase.UPLOADING) {
            throw new SpoolException(
                    SpoolException.Kind.INVALID,
                    "already_uploaded",
                    "asset has already been uploaded (or was deleted); request a new upload URL");
        }
        return upload;
    }

    private Optional<Upload> find(String condition, String key) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, asset_id, task_id, length, completed_at FROM uploads " + "WHERE " + condition)
                .bind("key", key)
                .map((rs, ctx) -> new Upload(
                        rs.getString("id"),
                        rs.getString("asset_id"),
                        rs.getString("task_id"),
                        rs.getObject("length") == null ? null : rs.getLong("length"),
                        rs.getObject("completed_at") != null))
                .findOne());
    }

    /** Direct PUT: streams the body into the object store, then queues processing. */
    public void putDirect(Upload upload, InputStream body, long length) {
        if (length > maxBytes) {
            throw tooLarge(length);
        }
        withLock(upload.id(), () -> {
            var fresh = byId(upload.id());
            String key = sourceKey(fresh);
            try {
                store.put(
                        key,
                        new LimitedInputStream(new AnnouncedBody(body, length), maxBytes),
                        length,
                        "application/octet-stream");
            } catch (RuntimeException e) {
                for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                    if (cause instanceof LimitedInputStream.LimitExceeded) {
                        throw tooLarge(maxBytes + 1);
                    }
                    if (cause instanceof AnnouncedBody.Ended ended) {
                        throw SpoolException.badRequest("upload_incomplete", ended.describe());
                    }
                }
                throw e;
            }
            complete(fresh);
        });
    }

    /**
     * tus creation: records the declared length and starts the upload from byte 0. A client that creates again
     * (it lost the upload's URL, or sends another file) starts over, so bytes of an earlier attempt are dropped.
     */
    public Upload declare(Upload upload, long length) {
        if (length < 0) {
            throw SpoolException.badRequest("bad_length", "Upload-Length must be a whole number of bytes");
        }
        if (length > maxBytes) {
            throw tooLarge(length);
        }
        return withLock(upload.id(), () -> {
            try {
                Files.deleteIfExists(part(upload.id()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            jdbi.useHandle(h -> h.createUpdate("UPDATE uploads SET length = :length, received = 0 WHERE id = :id")
                    .bind("length", length)
                    .bind("id", upload.id())
                    .execute());
            return new Upload(upload.id(), upload.assetId(), upload.taskId(), length, false);
        });
    }

    /**
     * Bytes received so far: the part file is the truth, whatever happened to the connection that wrote it. A write
     * still in flight (typically a dropped request the server has not noticed yet) is waited for a moment, so the
     * offset a resuming client gets is the one its next PATCH will be checked against.
     */
    public long offset(Upload upload) {
        var lock = locks.computeIfAbsent(upload.id(), k -> new ReentrantLock());
        boolean held = acquire(lock, OFFSET_WAIT);
        try {
            return partSize(upload);
        } finally {
            if (held) {
                lock.unlock();
            }
        }
    }

    private long partSize(Upload upload) {
        try {
            Path part = part(upload.id());
            return Files.exists(part) ? Files.size(part) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * tus PATCH: appends the body at {@code offset}, which must be where the upload stands. Whatever arrives
     * before a disconnect is kept. Completes the upload when the declared length is reached; answers the new
     * offset. A body longer than what the upload still lacks ({@code announced} up front, or found while reading a
     * chunked one) is refused with 413 and nothing of it is kept, as tus requires.
     */
    public long append(String id, long offset, InputStream body, long announced) {
        return withLock(id, () -> {
            var upload = byId(id);
            if (upload.length() == null) {
                throw SpoolException.badRequest("no_length", "this upload has no Upload-Length yet");
            }
            long current = offset(upload);
            if (offset != current) {
                throw new SpoolException(
                        SpoolException.Kind.CONFLICT,
                        "offset_mismatch",
                        "Upload-Offset " + offset + " does not match the server's offset " + current
                                + "; send HEAD to learn where to resume");
            }
            long missing = upload.length() - current;
            if (announced > missing) {
                throw pastLength(missing);
            }
            Path part = part(id);
            try {
                Files.createDirectories(partsDir);
                try (FileChannel channel = FileChannel.open(
                                part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                        OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
                    try {
                        copyAtMost(body, out, missing);
                        if (body.read() >= 0) {
                            channel.truncate(current);
                            throw pastLength(missing);
                        }
                    } finally {
                        out.flush();
                        channel.force(false);
                    }
                }
            } catch (IOException e) {
                // A client that went away mid-PATCH keeps what it sent; it resumes from HEAD's offset.
                return offset(upload);
            }
            long now = offset(upload);
            jdbi.useHandle(h -> h.createUpdate("UPDATE uploads SET received = :received WHERE id = :id")
                    .bind("received", now)
                    .bind("id", id)
                    .execute());
            if (now == upload.length()) {
                try {
                    store.putFinished(sourceKey(upload), part, "application/octet-stream");
                    Files.deleteIfExists(part);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                complete(upload);
            }
            return now;
        });
    }

    private void complete(Upload upload) {
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE uploads SET completed_at = :now WHERE id = :id")
                    .bind("now", now)
                    .bind("id", upload.id())
                    .execute();
            assetService.uploadCompleted(h, upload.assetId());
        });
    }

    private String sourceKey(Upload upload) {
        var asset = assets.find(upload.assetId()).orElseThrow(SpoolException::notFound);
        return asset.playbackId() + "/" + AssetUrls.SOURCE_PATH;
    }

    private Path part(String id) {
        return partsDir.resolve(id + ".part");
    }

    private static void copyAtMost(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = limit;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                return;
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }

    /**
     * Runs one writer at a time per upload. A client that resumes right after its connection dropped finds the
     * server still finishing the dropped request, so a newcomer waits for it (briefly) instead of being refused.
     */
    private <T> T withLock(String id, java.util.function.Supplier<T> action) {
        var lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        if (!acquire(lock, WRITER_WAIT)) {
            throw new SpoolException(
                    SpoolException.Kind.CONFLICT, "upload_busy", "another request is writing this upload right now");
        }
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private static boolean acquire(ReentrantLock lock, Duration wait) {
        try {
            return lock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void withLock(String id, Runnable action) {
        withLock(id, () -> {
            action.run();
            return null;
        });
    }

    private static SpoolException pastLength(long missing) {
        return new SpoolException(
                SpoolException.Kind.TOO_LARGE,
                "past_upload_length",
                "the PATCH carries more " + "than the " + missing
                        + " bytes the upload lacks to reach its Upload-Length");
    }

    private SpoolException tooLarge(long length) {
        return new SpoolException(
                SpoolException.Kind.TOO_LARGE,
                "too_large",
                "the upload is " + length + " bytes; the limit is " + maxBytes + " bytes");
    }
}
