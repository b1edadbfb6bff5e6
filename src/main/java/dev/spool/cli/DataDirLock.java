package dev.spool.cli;

import dev.spool.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The data directory, created if needed and held by this process alone: the embedded store (SQLite
 * and local files) assumes one serving process, so a second one on the same directory is refused.
 * The operating system drops the lock when the process dies, so a crash never leaves it stuck.
 */
final class DataDirLock implements AutoCloseable {

    static final String FILE_NAME = "spool.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates {@code dir} if missing and checks this user may write in it; refusals name the directory. */
    static void create(Path dir) {
        try {
            // Owner-only: the data directory holds the database, the server key and the admin's key.
            if (Files.notExists(dir)
                    && dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ConfigException("cannot create the data directory " + dir + " (" + reason(e)
                    + "); choose another with --data-dir or SPOOL_DATA_DIR");
        }
        if (!Files.isReadable(dir) || !Files.isWritable(dir) || !Files.isExecutable(dir)) {
            throw new ConfigException("the data directory " + dir + " is not readable and writable by this user;"
                    + " fix its permissions or choose another with --data-dir or SPOOL_DATA_DIR");
        }
    }

    /** Takes the lock of {@code dir}, or refuses naming the process that holds it. */
    static DataDirLock acquire(Path dir) {
        create(dir);
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                throw new ConfigException("the data directory " + dir + " is in use by another Spool"
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                        + "; the embedded store allows one server per data directory: stop it, or give this one"
                        + " its own --data-dir (or SPOOL_DATA_DIR)");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
            return new DataDirLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ConfigException("cannot lock the data directory " + dir + " (" + reason(e) + ")");
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Null when another process holds it; another lock in this JVM counts as another holder too. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static String reason(IOException e) {
        return e instanceof AccessDeniedException ? "permission denied" : e.toString();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing held yet that closing could release
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // closing the channel releases the lock in any case
        }
    }
}
