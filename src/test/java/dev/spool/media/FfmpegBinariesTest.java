package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegBinariesTest {

    @TempDir
    Path dir;

    @Test
    void givenBundledBuild_whenLocated_thenExtractedOnceAndRunnable() throws Exception {
        FfmpegBinaries first = FfmpegBinaries.locate(Optional.empty(), Optional.empty(), dir);
        long modified = Files.getLastModifiedTime(first.ffmpeg()).toMillis();
        FfmpegBinaries second = FfmpegBinaries.locate(Optional.empty(), Optional.empty(), dir);

        assertThat(first.version()).startsWith("8.");
        assertThat(first.ffmpeg().getParent().getFileName().toString()).startsWith("ffmpeg-");
        assertThat(first.ffmpeg()).isExecutable();
        assertThat(first.ffprobe()).isExecutable();
        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second.ffmpeg()).toMillis()).isEqualTo(modified);
        try (var entries = Files.list(dir)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactly(first.ffmpeg().getParent().getFileName().toString());
        }
    }

    @Test
    void givenOverrideThatCannotLoadALibrary_whenLocated_thenMessageNamesLibraryAndInstallCommand() throws Exception {
        Path fake = dir.resolve("ffmpeg");
        Files.writeString(
                fake,
                "#!/bin/sh\necho \"$0: error while loading shared libraries: libstdc++.so.6:"
                        + " cannot open shared object file: No such file or directory\" >&2\nexit 127\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThatThrownBy(() -> FfmpegBinaries.locate(Optional.of(fake.toString()), Optional.of(fake.toString()), dir))
                .isInstanceOfSatisfying(MediaException.class, e -> {
                    assertThat(e.code()).isEqualTo("ffmpeg_unavailable");
                    assertThat(e.getMessage()).contains("libstdc++.so.6").contains("apt-get install -y libstdc++6");
                });
    }

    @Test
    void givenUnknownMissingLibrary_whenExplained_thenGenericInstallHint() {
        assertThat(LoaderError.explain("x: error while loading shared libraries: libfoo.so.3: cannot open shared"
                        + " object file: No such file or directory"))
                .contains("libfoo.so.3")
                .contains("apt-file search");
    }

    @Test
    void givenWorkingOverride_whenLocated_thenOverrideWins() throws Exception {
        FfmpegBinaries bundled = TestMedia.binaries();
        FfmpegBinaries chosen = FfmpegBinaries.locate(
                Optional.of(bundled.ffmpeg().toString()),
                Optional.of(bundled.ffprobe().toString()),
                dir.resolve("unused"));
        assertThat(chosen.ffmpeg()).isEqualTo(bundled.ffmpeg());
        assertThat(dir.resolve("unused")).doesNotExist();
    }
}
