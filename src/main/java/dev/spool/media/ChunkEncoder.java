package dev.spool.media;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Runs one {@link ChunkRunner.Job} on this machine: the chunk's ffmpeg, reading the source from a local path or, on a
 * worker that has no copy of it, through a URL that serves ranges, so that only the chunk's part is fetched.
 */
public final class ChunkEncoder {
    /**
     * A read that breaks off is resumed where it stopped (a ranged request), for up to half a minute of attempts;
     * without these options ffmpeg takes the break for the end of the file and encodes a short chunk.
     */
    private static final List<String> RESUMED_READS = List.of(
            "-reconnect",
            "1",
            "-reconnect_on_network_error",
            "1",
            "-reconnect_on_http_error",
            "5xx",
            "-reconnect_delay_max",
            "30");
    /**
     * What ffmpeg writes when reading its input failed for good, though it still exits 0 with what it encoded so far:
     * the demuxer's read error, or the MP4 or Matroska demuxer finding the file cut off (a resumed read that was
     * refused ends the input without an error). The source in the store is whole, so each means the read, not the
     * file, fell short. An MPEG-TS source says nothing: there only the parent's check of the joined duration is left.
     */
    private static final List<String> READ_FAILED =
            List.of("Error during demuxing", "partial file", "File ended prematurely");

    private final FfmpegBinaries binaries;
    private final Supplier<Path> trustedCertificates;

    /**
     * @param trustedCertificates the PEM bundle ffmpeg checks HTTPS servers against, asked for only when a source is
     *     read over HTTPS ({@link TrustedCertificates#writtenOnFirstUse})
     */
    public ChunkEncoder(FfmpegBinaries binaries, Supplier<Path> trustedCertificates) {
        this.binaries = binaries;
        this.trustedCertificates = trustedCertificates;
    }

    /**
     * Writes the chunk's files into {@code dir}, reading the source from a local file; interrupting the caller kills
     * ffmpeg.
     *
     * @param progress the chunk's progress in [0, 1]
     * @throws MediaException retriable when ffmpeg fails
     */
    public void encode(ChunkRunner.Job job, Path input, Path dir, DoubleConsumer progress)
            throws MediaException, InterruptedException {
        encode(job, Prober.fileUrl(input), false, dir, progress);
    }

    /**
     * As {@link #encode(ChunkRunner.Job, Path, Path, DoubleConsumer)}, reading the source over HTTP(S) from
     * {@code input}, which must answer range requests (a signed object-store URL); the URL never appears in errors.
     *
     * @throws MediaException retriable also when reading the source fails partway
     */
    public void encode(ChunkRunner.Job job, URI input, Path dir, DoubleConsumer progress)
            throws MediaException, InterruptedException {
        encode(job, input.toString(), true, dir, progress);
    }

    private void encode(ChunkRunner.Job job, String input, boolean streamed, Path dir, DoubleConsumer progress)
            throws MediaException, InterruptedException {
        List<String> args = new ArrayList<>();
        args.add(binaries.ffmpeg().toString());
        List<String> jobArgs = job.args();
        for (int i = 0; i < jobArgs.size(); i++) {
            String arg = jobArgs.get(i);
            boolean namesInput = i + 1 < jobArgs.size() && jobArgs.get(i + 1).equals(ChunkRunner.INPUT);
            if (streamed && arg.equals("-i") && namesInput) {
                args.addAll(RESUMED_READS);
                if (input.startsWith("https:")) {
                    // ffmpeg knows these options only where it speaks TLS
                    args.addAll(List.of(
                            "-tls_verify",
                            "1",
                            "-ca_file",
                            trustedCertificates.get().toString()));
                }
            }
            args.add(arg.equals(ChunkRunner.INPUT) ? input : arg);
        }
        try {
            for (String directory : job.directories()) {
                Files.createDirectories(dir.resolve(directory).normalize());
            }
        } catch (IOException e) {
            throw new MediaException("io_error", "cannot create the chunk's directories: " + e.getMessage(), true, e);
        }
        var parser = new FfmpegProgress(job.expected(), job.fps(), progress::accept);
        var readFailed = new AtomicBoolean();
        ChildProcess.Result result = ChildProcess.run(
                args,
                binaries.environment(),
                dir,
                parser,
                line -> {
                    if (READ_FAILED.stream().anyMatch(line::contains)) {
                        readFailed.set(true);
                    }
                },
                Duration.ofSeconds(job.timeoutSeconds()));
        String errors = streamed ? masked(result.stderrTail(), input) : result.stderrTail();
        if (!result.ok()) {
            throw new MediaException(
                    "ffmpeg_failed",
                    "ffmpeg failed (exit " + result.exitCode() + ") encoding chunk " + job.index() + ": " + errors,
                    true);
        }
        if (streamed && readFailed.get()) {
            throw new MediaException(
                    "source_read_failed",
                    "reading the source from the object store broke off while encoding chunk " + job.index()
                            + ", and resuming it failed: " + errors,
                    true);
        }
        progress.accept(1);
    }

    /** {@code text} with the URL, or what is left of it in a line cut short, replaced: its query is a credential. */
    private static String masked(String text, String url) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        return text.replaceAll(Pattern.quote(base) + "\\S*", "<the source>");
    }
}
