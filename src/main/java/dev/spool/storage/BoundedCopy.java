package dev.spool.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Streams a source body into a file in fixed-size chunks, so memory use does not depend on the
 * source size, and stops as soon as the size limit is passed instead of after the whole body arrived.
 */
final class BoundedCopy {

    private static final int CHUNK = 64 * 1024;

    private BoundedCopy() {}

    /**
     * Copies {@code in} into {@code target}, replacing what was there.
     *
     * @param progress receives the running total after every chunk
     * @return the number of bytes written
     * @throws IOException    reading the source failed (the caller knows what that means for its protocol)
     * @throws FetchException {@code too_large} past {@code maxBytes}, {@code local_write_failed} when the
     *                        file cannot be written
     */
    static long toFile(InputStream in, Path target, long maxBytes, String shownUrl, LongConsumer progress)
            throws IOException, FetchException {
        OutputStream out = open(target);
        long total;
        try {
            total = pump(in, out, target, maxBytes, shownUrl, progress);
        } catch (IOException | FetchException | RuntimeException e) {
            closeAfterFailure(out, e);
            throw e;
        }
        try {
            out.close();
        } catch (IOException e) {
            throw writeFailure(target, e);
        }
        return total;
    }

    private static long pump(
            InputStream in, OutputStream out, Path target, long maxBytes, String shownUrl, LongConsumer progress)
            throws IOException, FetchException {
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        int read;
        while ((read = in.read(buffer)) >= 0) {
            total += read;
            if (total > maxBytes) {
                throw tooLarge(shownUrl, maxBytes);
            }
            try {
                out.write(buffer, 0, read);
            } catch (IOException e) {
                throw writeFailure(target, e);
            }
            progress.accept(total);
        }
        return total;
    }

    private static void closeAfterFailure(OutputStream out, Exception failure) {
        try {
            out.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    static FetchException tooLarge(String shownUrl, long maxBytes) {
        return FetchException.unretriable(
                FetchException.TOO_LARGE,
                "the source at " + shownUrl + " is larger than the limit of " + describeSize(maxBytes));
    }

    static String describeSize(long bytes) {
        double gib = bytes / (1024.0 * 1024 * 1024);
        if (gib >= 1) {
            return String.format(Locale.ROOT, "%.1f GiB", gib);
        }
        double mib = bytes / (1024.0 * 1024);
        if (mib >= 1) {
            return String.format(Locale.ROOT, "%.1f MiB", mib);
        }
        return bytes + " bytes";
    }

    private static OutputStream open(Path target) throws FetchException {
        try {
            return Files.newOutputStream(target);
        } catch (IOException e) {
            throw writeFailure(target, e);
        }
    }

    private static FetchException writeFailure(Path target, IOException e) {
        // A full or failing disk may recover (other tasks free space), so let the engine try again.
        return FetchException.retriable(
                FetchException.LOCAL_WRITE_FAILED,
                "cannot write the fetched source to " + target.getFileName() + ": " + e,
                e);
    }
}
