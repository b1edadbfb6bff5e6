package dev.spool.mediajob;

import dev.spool.media.TestMedia;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * The bundled ffmpeg and ffprobe behind two scripts, for a server configured with them: once {@link #arm()}ed, the
 * next encode of a chunked import's audio (the command writing {@code .join-audio.mp4}) fails at once, as a crashed
 * encoder would; every other command runs as it is.
 */
final class CrashingAudioFfmpeg {
    private final Path armed;
    private final Path ffmpeg;
    private final Path ffprobe;

    private CrashingAudioFfmpeg(Path dir) {
        this.armed = dir.resolve("armed");
        this.ffmpeg = dir.resolve("ffmpeg");
        this.ffprobe = dir.resolve("ffprobe");
    }

    static CrashingAudioFfmpeg create() {
        try {
            Path dir = Files.createTempDirectory("spool-crashing-audio-");
            // deleted at exit in the reverse order: the files, then the directory
            for (Path path : List.of(dir, dir.resolve("armed"), dir.resolve("ffmpeg"), dir.resolve("ffprobe"))) {
                path.toFile().deleteOnExit();
            }
            var wrappers = new CrashingAudioFfmpeg(dir);
            Path bundled = TestMedia.binaries().ffmpeg().getParent();
            String run = "LD_LIBRARY_PATH='" + bundled + "'${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} exec '" + bundled;
            write(wrappers.ffmpeg, """
                    #!/bin/sh
                    for last; do :; done
                    case "$last" in
                    *.join-audio.mp4)
                        if rm '%s' 2>/dev/null; then
                            echo 'Aborted: the audio encoder crashed (armed by the test)' >&2
                            exit 134
                        fi;;
                    esac
                    %s/ffmpeg' "$@"
                    """.formatted(wrappers.armed, run));
            write(wrappers.ffprobe, "#!/bin/sh\n" + run + "/ffprobe' \"$@\"\n");
            return wrappers;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's settings that make it run these scripts. */
    Map<String, String> settings() {
        return Map.of("SPOOL_FFMPEG", ffmpeg.toString(), "SPOOL_FFPROBE", ffprobe.toString());
    }

    /** The next audio encode fails. */
    void arm() {
        try {
            Files.writeString(armed, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether an audio encode failed since the last {@link #arm()}. */
    boolean fired() {
        return !Files.exists(armed);
    }

    private static void write(Path script, String text) throws IOException {
        Files.writeString(script, text);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }
}
