package dev.spool.media;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ffmpeg and ffprobe executables Spool runs as child processes, the ffmpeg version they
 * report, and whether that ffmpeg can resize with zimg as Spool does ({@link EncodeCommand}),
 * for a third of swscale's CPU. ffmpeg is never loaded into the JVM: a codec crash or hang then
 * costs one task, not the server, and cancelling is killing a process.
 */
public record FfmpegBinaries(Path ffmpeg, Path ffprobe, String version, boolean zimgResize) {

    private static final Logger log = LoggerFactory.getLogger(FfmpegBinaries.class);
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(20);

    /**
     * Finds working binaries: the overrides when given (they win, and must work), otherwise the
     * build bundled in the bytedeco jar, extracted once into {@code cacheDir}, otherwise
     * {@code ffmpeg}/{@code ffprobe} on PATH.
     *
     * @throws MediaException {@code ffmpeg_unavailable} naming the missing library and the command
     *                        that installs it
     */
    public static FfmpegBinaries locate(
            Optional<String> ffmpegOverride, Optional<String> ffprobeOverride, Path cacheDir)
            throws MediaException, InterruptedException {
        FfmpegBinaries found;
        if (ffmpegOverride.isPresent() || ffprobeOverride.isPresent()) {
            found = verify(
                    Path.of(ffmpegOverride.orElse("ffmpeg")), Path.of(ffprobeOverride.orElse("ffprobe")), "configured");
        } else {
            found = bundledOrPath(cacheDir);
        }
        log.info("using ffmpeg {} at {} (ffprobe {})", found.version, found.ffmpeg, found.ffprobe);
        if (!found.zimgResize) {
            log.info("this ffmpeg cannot resize with zimg (it needs the zscale filter, built with libzimg, and ffmpeg"
                    + " 7.1's setparams): renditions are resized by the scale filter, at about three times the CPU");
        }
        return found;
    }

    private static FfmpegBinaries bundledOrPath(Path cacheDir) throws MediaException, InterruptedException {
        Optional<Path> bundledDir = BundledFfmpeg.extract(cacheDir);
        if (bundledDir.isEmpty()) {
            return verify(Path.of("ffmpeg"), Path.of("ffprobe"), "PATH");
        }
        try {
            return verify(bundledDir.get().resolve("ffmpeg"), bundledDir.get().resolve("ffprobe"), "bundled");
        } catch (MediaException bundledFailure) {
            log.warn("{}; trying ffmpeg on PATH", bundledFailure.getMessage());
            try {
                return verify(Path.of("ffmpeg"), Path.of("ffprobe"), "PATH");
            } catch (MediaException pathFailure) {
                throw new MediaException(
                        "ffmpeg_unavailable",
                        bundledFailure.getMessage() + "; no working ffmpeg on PATH either (" + pathFailure.getMessage()
                                + ")",
                        false);
            }
        }
    }

    /**
     * Runs both executables with {@code -version}, whose first line names ffmpeg's version, and asks ffmpeg for its
     * filters.
     */
    static FfmpegBinaries verify(Path ffmpegPath, Path ffprobePath, String origin)
            throws MediaException, InterruptedException {
        // child processes run in other working directories: a relative path must not change meaning
        Path ffmpeg = ffmpegPath.getParent() == null ? ffmpegPath : ffmpegPath.toAbsolutePath();
        Path ffprobe = ffprobePath.getParent() == null ? ffprobePath : ffprobePath.toAbsolutePath();
        FfmpegBinaries candidate = new FfmpegBinaries(ffmpeg, ffprobe, "", false);
        String ffmpegVersion = candidate.versionLine(ffmpeg, origin);
        candidate.versionLine(ffprobe, origin);
        return new FfmpegBinaries(ffmpeg, ffprobe, ffmpegVersion, candidate.resizesWithZimg());
    }

    /**
     * Whether ffmpeg has the zscale filter (libzimg) and a setparams that sets the chroma location (ffmpeg 7.1), which
     * puts back the label zscale rewrites. An ffmpeg that cannot say has neither.
     */
    private boolean resizesWithZimg() throws InterruptedException {
        // each line of the list: flags, the filter's name, its pads, a description
        boolean zscale = answer("-filters").lines().map(String::strip).anyMatch(l -> {
            String[] words = l.split("\\s+");
            return words.length > 1 && words[1].equals("zscale");
        });
        return zscale && answer("-h", "filter=setparams").contains("chroma_location");
    }

    /** What ffmpeg prints for {@code args}, or nothing when it fails. */
    private String answer(String... args) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner"));
        command.addAll(List.of(args));
        try {
            ChildProcess.Result result = ChildProcess.run(command, environment(), null, null, VERSION_TIMEOUT);
            return result.ok() ? result.stdout() : "";
        } catch (MediaException e) {
            return "";
        }
    }

    private String versionLine(Path executable, String origin) throws MediaException, InterruptedException {
        ChildProcess.Result result;
        try {
            result = ChildProcess.run(
                    List.of(executable.toString(), "-hide_banner", "-version"),
                    environment(),
                    null,
                    null,
                    VERSION_TIMEOUT);
        } catch (MediaException e) {
            throw new MediaException(
                    "ffmpeg_unavailable",
                    "the " + origin + " " + executable + " cannot start: " + e.getMessage(),
                    false,
                    e);
        }
        if (!result.ok()) {
            throw new MediaException(
                    "ffmpeg_unavailable",
                    "the " + origin + " " + executable + " cannot start: " + LoaderError.explain(result.stderrTail()),
                    false);
        }
        String first = result.stdout().lines().findFirst().orElse("");
        String[] words = first.split(" ");
        return words.length >= 3 && words[1].equals("version") ? words[2] : first;
    }

    /**
     * Environment for a child process: the executable's own directory goes first on
     * LD_LIBRARY_PATH when it carries ffmpeg's shared libraries (the bundled build does).
     */
    Map<String, String> environment() {
        Path dir = ffmpeg.toAbsolutePath().getParent();
        if (dir == null || !BundledFfmpeg.holdsLibraries(dir)) {
            return Map.of();
        }
        String inherited = System.getenv("LD_LIBRARY_PATH");
        String path = inherited == null || inherited.isEmpty() ? dir.toString() : dir + ":" + inherited;
        return Map.of("LD_LIBRARY_PATH", path);
    }
}
