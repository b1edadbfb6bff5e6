package dev.spool.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Objects as plain files under a root directory, so that a key {@code hls/index.m3u8} is the file
 * {@code ROOT/hls/index.m3u8} a person or a web server can use directly.
 *
 * <p>Writes go to a temporary file in the target's directory, are flushed to disk and then renamed
 * over the target, so a reader sees the old object or the new one, never a part. The etag is derived
 * from size and modification time, which is cheap and changes with every write. A content type that
 * differs from the one the extension implies is kept in a small sidecar file.
 *
 * <p>Files whose names start with {@value #INTERNAL} are the store's own (temporary files, sidecars):
 * they are never listed, and keys containing such a segment are refused.
 */
public final class LocalObjectStore implements ObjectStore {

    private static final String INTERNAL = ".spool.";
    private static final int COPY_BUFFER = 64 * 1024;

    private final Path root;

    /** Opens (and creates, if missing) the store rooted at {@code root}. */
    public LocalObjectStore(Path root) {
        try {
            Path absolute = root.toAbsolutePath().normalize();
            Files.createDirectories(absolute);
            this.root = absolute.toRealPath();
        } catch (IOException e) {
            throw ioError("cannot create the object directory " + root, e);
        }
    }

    @Override
    public void put(String key, Path file, String contentType) {
        write(key, contentType, tmp -> Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING));
    }

    /** Links the file into the store when both are on one file system; copies it otherwise. */
    @Override
    public void putFinished(String key, Path file, String contentType) {
        write(key, contentType, tmp -> {
            linkOrElse(tmp, file, copy -> Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING));
            // stored now, as a copy would be: the object's modification time (and so its etag) says so
            Files.setLastModifiedTime(tmp, FileTime.fromMillis(System.currentTimeMillis()));
        });
    }

    @Override
    public void put(String key, InputStream in, long length, String contentType) {
        write(key, contentType, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
                copy(in, out, length, key);
            }
        });
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        Path file = resolve(key);
        try {
            requireInside(file);
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.isRegularFile() ? Optional.of(info(key, file, attributes)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw ioError("cannot read the attributes of '" + key + "' in " + describe(), e);
        }
    }

    /** Objects are never written in place (a write replaces the file), so the copy may be the same file. */
    @Override
    public void copy(String from, String to) {
        resolve(to); // a bad target key fails as such, before the source is looked for
        ObjectInfo source = head(from).orElseThrow(() -> notFound(from));
        Path file = resolve(from);
        write(to, source.contentType(), tmp -> linkOrElse(tmp, file, copy -> Files.copy(file, copy)));
    }

    @Override
    public InputStream get(String key, long offset, long length) {
        ByteRange range = new ByteRange(offset, length);
        Path file = resolve(key);
        try {
            requireInside(file);
            if (!Files.isRegularFile(file)) {
                throw notFound(key);
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            try {
                if (!range.whole()) {
                    range.requireWithin(channel.size(), key);
                    channel.position(offset);
                }
            } catch (RuntimeException | IOException e) {
                channel.close();
                throw e;
            }
            InputStream in = Channels.newInputStream(channel);
            return length == -1 ? in : new BoundedInputStream(in, length);
        } catch (NoSuchFileException e) {
            throw notFound(key);
        } catch (IOException e) {
            throw ioError("cannot read '" + key + "' in " + describe(), e);
        }
    }

    /** Links the object's file to {@code target} when both are on one file system; copies it otherwise. */
    @Override
    public void getInto(String key, Path target) throws IOException {
        Path file = localFile(key).orElseThrow(() -> notFound(key));
        Files.deleteIfExists(target);
        linkOrElse(target, file, copy -> ObjectStore.super.getInto(key, copy));
    }

    /**
     * Makes {@code link} a second name of {@code existing}; where a link cannot be made (another file system, or one
     * without hard links), writes {@code link} with {@code otherwise} instead.
     */
    private static void linkOrElse(Path link, Path existing, TempWriter otherwise) throws IOException {
        try {
            Files.createLink(link, existing);
        } catch (UnsupportedOperationException | FileSystemException e) {
            otherwise.write(link);
        }
    }

    @Override
    public Optional<Path> localFile(String key) {
        Path file = resolve(key);
        try {
            requireInside(file);
        } catch (IOException e) {
            throw ioError("cannot read '" + key + "' in " + describe(), e);
        }
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        ObjectKeys.requirePrefix(prefix);
        Path start = root.resolve(prefix.substring(0, prefix.lastIndexOf('/') + 1));
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(start)) {
            return files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !p.getFileName().toString().startsWith(INTERNAL))
                    .filter(p -> keyOf(p).startsWith(prefix))
                    .map(p -> infoIfPresent(keyOf(p), p))
                    .flatMap(Optional::stream)
                    .sorted(Comparator.comparing(ObjectInfo::key))
                    .toList();
        } catch (IOException e) {
            throw ioError("cannot list '" + prefix + "' in " + describe(), e);
        } catch (UncheckedIOException e) {
            throw ioError("cannot list '" + prefix + "' in " + describe(), e.getCause());
        }
    }

    @Override
    public void delete(String key) {
        Path file = resolve(key);
        try {
            requireInside(file.getParent());
            if (!Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(sidecarOf(file));
            }
        } catch (NoSuchFileException e) {
            // The parent directory is gone, so the object is too.
        } catch (IOException e) {
            throw ioError("cannot delete '" + key + "' in " + describe(), e);
        }
    }

    @Override
    public void deletePrefix(String prefix) {
        ObjectKeys.requireDeletablePrefix(prefix);
        for (ObjectInfo info : list(prefix)) {
            delete(info.key());
        }
        removeEmptyDirectories(prefix);
    }

    @Override
    public String describe() {
        return "local directory " + root;
    }

    @Override
    public String toString() {
        return "LocalObjectStore[" + root + "]";
    }

    /** Writes the content of a new temporary file; the file does not exist yet when called. */
    private interface TempWriter {
        void write(Path tmp) throws IOException;
    }

    private void write(String key, String contentType, TempWriter writer) {
        Path target = resolve(key);
        Path dir = target.getParent();
        Path tmp = dir.resolve(INTERNAL + UUID.randomUUID() + ".tmp");
        try {
            requireInside(dir);
            createDirectories(dir, key);
            requireInside(dir);
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw StorageException.invalidKey("cannot store '" + key + "' in " + describe()
                        + ": a directory of that name holds other objects");
            }
            writer.write(tmp);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            writeContentType(target, key, contentType);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException e) {
            throw ioError("cannot store '" + key + "' in " + describe() + ": " + e.getFile() + " does not exist", e);
        } catch (IOException e) {
            throw ioError("cannot store '" + key + "' in " + describe(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private void createDirectories(Path dir, String key) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw StorageException.invalidKey(
                    "cannot store '" + key + "' in " + describe() + ": a part of its path is already an object");
        }
    }

    private static void copy(InputStream in, OutputStream out, long length, String key) throws IOException {
        if (length < 0) {
            in.transferTo(out);
            return;
        }
        byte[] buffer = new byte[COPY_BUFFER];
        long remaining = length;
        while (remaining > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw StorageException.endedEarly(key, length - remaining, length);
            }
            out.write(buffer, 0, n);
            remaining -= n;
        }
    }

    /** The sidecar exists only when the caller's type differs from what the extension implies. */
    private static void writeContentType(Path target, String key, String contentType) throws IOException {
        Path sidecar = sidecarOf(target);
        String type = ContentTypes.orDefault(contentType, key);
        if (type.equals(ContentTypes.forKey(key))) {
            Files.deleteIfExists(sidecar);
            return;
        }
        Path tmp = target.resolveSibling(INTERNAL + UUID.randomUUID() + ".tmp");
        try {
            Files.writeString(tmp, type, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            Files.move(tmp, sidecar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private static Path sidecarOf(Path file) {
        return file.resolveSibling(INTERNAL + file.getFileName() + ".type");
    }

    private ObjectInfo info(String key, Path file, BasicFileAttributes attributes) throws IOException {
        Path sidecar = sidecarOf(file);
        String type;
        try {
            type = Files.readString(sidecar, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            type = ContentTypes.forKey(key);
        }
        long modified = attributes.lastModifiedTime().to(TimeUnit.MICROSECONDS);
        String etag = Long.toHexString(attributes.size()) + "-" + Long.toHexString(modified);
        return new ObjectInfo(key, attributes.size(), etag, modified / 1000, type);
    }

    /** A file deleted between the directory walk and this read is simply not listed. */
    private Optional<ObjectInfo> infoIfPresent(String key, Path file) {
        try {
            return Optional.of(
                    info(key, file, Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String keyOf(Path file) {
        Path relative = root.relativize(file);
        StringBuilder key = new StringBuilder();
        for (Path segment : relative) {
            if (!key.isEmpty()) {
                key.append('/');
            }
            key.append(segment);
        }
        return key.toString();
    }

    /** Removes the directories the prefix covers once their objects are gone, deepest first. */
    private void removeEmptyDirectories(String prefix) {
        Path start = root.resolve(prefix.substring(0, prefix.lastIndexOf('/') + 1));
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> directories;
        try (Stream<Path> paths = Files.walk(start)) {
            directories = paths.filter(p -> !p.equals(root))
                    .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> (keyOf(p) + "/").startsWith(prefix))
                    .sorted(Comparator.reverseOrder())
                    .toList();
        } catch (IOException e) {
            throw ioError("cannot list the directories under '" + prefix + "' in " + describe(), e);
        } catch (UncheckedIOException e) {
            throw ioError("cannot list the directories under '" + prefix + "' in " + describe(), e.getCause());
        }
        for (Path directory : directories) {
            try {
                Files.delete(directory);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                // Still in use by objects outside the prefix, or already gone.
            } catch (IOException e) {
                throw ioError("cannot remove the directory " + directory, e);
            }
        }
    }

    private Path resolve(String key) {
        ObjectKeys.requireKey(key);
        for (String segment : key.split("/")) {
            if (segment.startsWith(INTERNAL)) {
                throw StorageException.invalidKey(
                        "object key '" + key + "' uses the reserved name prefix '" + INTERNAL + "'");
            }
        }
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw escapes(key);
        }
        return path;
    }

    /**
     * Refuses a path whose nearest existing ancestor (itself included) resolves, through symbolic links,
     * to a place outside the root.
     */
    private void requireInside(Path path) throws IOException {
        Path existing = path;
        while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (!existing.toRealPath().startsWith(root)) {
            throw escapes(keyOf(path));
        }
    }

    private StorageException escapes(String key) {
        return StorageException.invalidKey("object key '" + key + "' resolves outside " + describe());
    }

    private StorageException notFound(String key) {
        return new StorageException(
                StorageException.NOT_FOUND, "object '" + key + "' not found in " + describe(), false);
    }

    private static StorageException ioError(String message, IOException e) {
        boolean denied = e instanceof AccessDeniedException;
        return new StorageException(
                denied ? StorageException.ACCESS_DENIED : StorageException.IO_ERROR,
                message + ": " + describe(e),
                !denied,
                e);
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // A leftover temporary file is never listed and is overwritten by nothing; it only costs space.
        }
    }
}
