package dev.spool.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * A flat namespace of objects addressed by '/'-separated relative keys, backed by a local directory or
 * an S3-compatible bucket. Implementations are thread-safe.
 *
 * <p>A key must be non-empty and relative, with no empty, {@code .} or {@code ..} segment and no
 * backslash or control character; anything else fails with {@link StorageException#INVALID_KEY}.
 * A prefix follows the same rules but may be empty and may end with '/'; it matches keys as a plain
 * string prefix, as S3 does ({@code "a/b"} matches {@code "a/b.txt"} and {@code "a/b/c"}).
 *
 * <p>Every failure is a {@link StorageException}.
 */
public interface ObjectStore extends AutoCloseable {

    /** Stores a file under {@code key}, replacing any object there. {@code contentType} may be null. */
    void put(String key, Path file, String contentType);

    /**
     * Stores a file that nobody writes to any more, as {@link #put(String, Path, String)} does. A store on the same
     * file system may keep the file itself (a second name for it, a hard link) instead of copying its bytes, which
     * costs nothing however large the file: the caller may delete its own name for the file afterwards, but must
     * never change its content.
     */
    default void putFinished(String key, Path file, String contentType) {
        put(key, file, contentType);
    }

    /**
     * Stores the bytes of {@code in} under {@code key}, replacing any object there. The stream is read
     * in bounded chunks, never whole into memory, and is not closed.
     *
     * @param length the number of bytes to store, or -1 to read to the end of the stream; a stream that
     *               ends before {@code length} bytes fails with {@link StorageException#IO_ERROR}
     */
    void put(String key, InputStream in, long length, String contentType);

    Optional<ObjectInfo> head(String key);

    /**
     * Stores a copy of the object {@code from} under {@code to}, replacing any object there, with the same content
     * type; the bytes do not pass through this process (S3 copies within the bucket, objects of up to 5 GiB; a local
     * store gives the copy the object's own file). {@link StorageException#NOT_FOUND} when {@code from} does not exist.
     */
    void copy(String from, String to);

    /** Opens the object for reading; {@link StorageException#NOT_FOUND} when it does not exist. */
    default InputStream get(String key) {
        return get(key, 0, -1);
    }

    /**
     * Writes the object into the file {@code target}, replacing it. A store on the same file system may give the
     * target the object's own file (a hard link) instead of copying its bytes: the target must never be written to.
     *
     * @throws IOException when {@code target} cannot be written
     */
    default void getInto(String key, Path target) throws IOException {
        try (InputStream in = get(key)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Opens {@code length} bytes of the object starting at {@code offset} ({@code length} -1: to the
     * end). The offset must lie inside the object and {@code length} must be positive or -1, else
     * {@link StorageException#INVALID_RANGE}.
     */
    InputStream get(String key, long offset, long length);

    /**
     * The object as a file this process can read in place (a local store's own file), so a reader that seeks (ffmpeg
     * encoding one chunk of a long video) reads only what it needs; empty when the object lives elsewhere (S3, read in
     * ranges through {@link #get(String, long, long)}) or does not exist. The file must not be written to.
     */
    default Optional<Path> localFile(String key) {
        return Optional.empty();
    }

    /** All objects whose key starts with {@code prefix}, sorted by key. */
    List<ObjectInfo> list(String prefix);

    /** Removes the object; removing a missing object is not an error. */
    void delete(String key);

    /** Removes every object whose key starts with {@code prefix}, which must not be empty. */
    void deletePrefix(String prefix);

    /** Where the objects live, for logs and error messages, with any credentials masked. */
    String describe();

    @Override
    default void close() {}
}
