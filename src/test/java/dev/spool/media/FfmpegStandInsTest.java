package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled ffmpeg starts with Spool's stand-ins for the capture-device libraries, whatever this
 * machine has installed: every symbol resolves at load time (LD_BIND_NOW) and each stand-in soname
 * is loaded from Spool's own folder.
 */
class FfmpegStandInsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern LOADED = Pattern.compile("^\\s*(\\S+) => (\\S+) \\(0x[0-9a-f]+\\)$");
    /** Libraries every Debian has (libc6, libgcc-s1, libstdc++6 are required by apt itself). */
    private static final Pattern BASE_SYSTEM =
            Pattern.compile("(libc|libm|libmvec|libgcc_s|libstdc\\+\\+|ld-linux-.*)\\.so\\..*");

    @TempDir
    Path dir;

    @Test
    void givenEagerBinding_whenVersionEncodeAndProbeRun_thenAllSucceed() throws Exception {
        FfmpegBinaries binaries = TestMedia.binaries();
        Map<String, String> env = eagerEnvironment(binaries);
        Path video = dir.resolve("x264.mp4");

        var ffmpegVersion =
                ChildProcess.run(List.of(binaries.ffmpeg().toString(), "-version"), env, null, null, TIMEOUT);
        var ffprobeVersion =
                ChildProcess.run(List.of(binaries.ffprobe().toString(), "-version"), env, null, null, TIMEOUT);
        var encode = ChildProcess.run(
                List.of(
                        binaries.ffmpeg().toString(),
                        "-hide_banner",
                        "-nostdin",
                        "-v",
                        "error",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc2=size=320x240:rate=25:duration=1",
                        "-c:v",
                        "libx264",
                        "-y",
                        video.toString()),
                env,
                null,
                null,
                TIMEOUT);
        var probe = ChildProcess.run(
                List.of(
                        binaries.ffprobe().toString(),
                        "-v",
                        "error",
                        "-select_streams",
                        "v:0",
                        "-show_entries",
                        "stream=codec_name",
                        "-of",
                        "csv=p=0",
                        video.toString()),
                env,
                null,
                null,
                TIMEOUT);

        assertThat(ffmpegVersion.exitCode()).as(ffmpegVersion.stderrTail()).isZero();
        assertThat(ffprobeVersion.exitCode()).as(ffprobeVersion.stderrTail()).isZero();
        assertThat(encode.exitCode()).as(encode.stderrTail()).isZero();
        assertThat(probe.exitCode()).as(probe.stderrTail()).isZero();
        assertThat(probe.stdout().strip()).isEqualTo("h264");
    }

    @Test
    void givenSpoolsEnvironment_whenLibrariesLoad_thenStandInsComeFromSpoolsFolderAndTheRestFromTheBundleOrBaseSystem()
            throws Exception {
        FfmpegBinaries binaries = TestMedia.binaries();
        Path folder = binaries.ffmpeg().getParent().toRealPath();

        for (Path executable : List.of(binaries.ffmpeg(), binaries.ffprobe())) {
            Map<String, Path> loaded = loadedLibraries(binaries, executable);

            assertThat(loaded)
                    .as("libraries %s loads", executable)
                    .containsKeys(BundledFfmpeg.STAND_IN_LIBRARIES.toArray(String[]::new));
            for (String standIn : BundledFfmpeg.STAND_IN_LIBRARIES) {
                assertThat(loaded.get(standIn).getParent()).as(standIn).isEqualTo(folder);
            }
            loaded.forEach((soname, path) -> assertThat(path.getParent().equals(folder)
                            || BASE_SYSTEM.matcher(soname).matches())
                    .as("%s => %s", soname, path)
                    .isTrue());
        }
    }

    @Test
    void givenCaptureDeviceInput_whenFfmpegRuns_thenStandInStopsItWithAClearMessage() throws Exception {
        FfmpegBinaries binaries = TestMedia.binaries();

        var result = ChildProcess.run(
                List.of(
                        binaries.ffmpeg().toString(),
                        "-hide_banner",
                        "-nostdin",
                        "-f",
                        "alsa",
                        "-i",
                        "default",
                        "-t",
                        "1",
                        dir.resolve("capture.wav").toString()),
                binaries.environment(),
                null,
                null,
                TIMEOUT);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderrTail())
                .contains("Spool's ffmpeg was asked to use a capture device; not supported")
                .contains("snd_pcm_open");
    }

    @Test
    void givenFolderFromAnOlderExtraction_whenLocated_thenStandInsAreRestored() throws Exception {
        FfmpegBinaries first = FfmpegBinaries.locate(Optional.empty(), Optional.empty(), dir);
        Path folder = first.ffmpeg().getParent();
        byte[] pulse = Files.readAllBytes(folder.resolve("libpulse.so.0"));
        Files.delete(folder.resolve("libpulse.so.0"));
        Files.writeString(folder.resolve("libasound.so.2"), "stale");

        FfmpegBinaries again = FfmpegBinaries.locate(Optional.empty(), Optional.empty(), dir);

        assertThat(again).isEqualTo(first);
        assertThat(folder.resolve("libpulse.so.0")).hasBinaryContent(pulse);
        assertThat(Files.size(folder.resolve("libasound.so.2"))).isGreaterThan(1000);
    }

    private static Map<String, String> eagerEnvironment(FfmpegBinaries binaries) {
        Map<String, String> env = new HashMap<>(binaries.environment());
        env.put("LD_BIND_NOW", "1");
        return env;
    }

    /** What the dynamic loader maps for {@code executable} in Spool's environment (as ldd prints it). */
    private static Map<String, Path> loadedLibraries(FfmpegBinaries binaries, Path executable) throws Exception {
        Map<String, String> env = eagerEnvironment(binaries);
        env.put("LD_TRACE_LOADED_OBJECTS", "1");
        // Started directly, not through ChildProcess: behind its setpriv wrapper the loader would trace setpriv.
        var builder = new ProcessBuilder(executable.toString()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        var process = builder.start();
        String stdout = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
                .isTrue();
        assertThat(process.exitValue()).as(stdout).isZero();
        assertThat(stdout).doesNotContain("not found");
        Map<String, Path> loaded = new HashMap<>();
        for (String line : stdout.lines().toList()) {
            Matcher m = LOADED.matcher(line);
            if (m.matches()) {
                loaded.put(m.group(1), Path.of(m.group(2)).toRealPath());
            }
        }
        return loaded;
    }
}
