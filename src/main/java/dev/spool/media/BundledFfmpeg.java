package dev.spool.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Extracts the ffmpeg build that bytedeco ships as classpath resources into a cache directory,
 * once per version: into a temporary directory first, then renamed into place, so a crash or a
 * concurrent start never leaves a half-written directory behind under the final name.
 *
 * <p>Beside the bundled libraries go Spool's stand-ins for the system libraries the build links
 * for capture devices and hardware discovery (PulseAudio, ALSA, XCB, udev; see
 * scripts/build-ffmpeg-standins.sh). Children find them first on LD_LIBRARY_PATH, so ffmpeg starts
 * the same way on every machine, whether the real libraries are installed or not.
 */
final class BundledFfmpeg {

    private static final String POM_PROPERTIES = "META-INF/maven/org.bytedeco/ffmpeg/pom.properties";
    /** The sonames Spool stands in for; their files live under {@code STAND_INS} + the platform. */
    static final List<String> STAND_IN_LIBRARIES =
            List.of("libasound.so.2", "libpulse.so.0", "libudev.so.1", "libxcb-shm.so.0", "libxcb.so.1");

    private static final String STAND_INS = "dev/spool/media/standins/";
    private static final Pattern VERSIONED_LIBRARY = Pattern.compile("(lib.+\\.so)\\.[0-9.]+");

    private BundledFfmpeg() {}

    /** The directory holding the extracted executables, or empty when the jar has no build for this platform. */
    static Optional<Path> extract(Path cacheDir) throws MediaException {
        String resourceDir = "org/bytedeco/ffmpeg/" + platform() + "-gpl/";
        URL ffmpeg = BundledFfmpeg.class.getClassLoader().getResource(resourceDir + "ffmpeg");
        if (ffmpeg == null) {
            return Optional.empty();
        }
        Path target = cacheDir.resolve("ffmpeg-" + version());
        try {
            if (!Files.isExecutable(target.resolve("ffmpeg")) || !Files.isExecutable(target.resolve("ffprobe"))) {
                Files.createDirectories(cacheDir);
                Path temp = Files.createTempDirectory(cacheDir, ".ffmpeg-extract-");
                try {
                    copyResources(ffmpeg, resourceDir, temp);
                    linkUnversionedLibraries(temp);
                    moveIntoPlace(temp, target);
                } finally {
                    WorkDir.deleteTree(temp);
                }
            }
            installStandIns(target);
        } catch (IOException | UncheckedIOException e) {
            throw new MediaException(
                    "ffmpeg_unavailable",
                    "cannot extract the bundled ffmpeg into " + cacheDir + ": " + e.getMessage(),
                    false,
                    e);
        }
        return Optional.of(target);
    }

    /** Whether {@code dir} carries ffmpeg's shared libraries, so children must find them there. */
    static boolean holdsLibraries(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("libavutil.so"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("mac") ? "macosx" : os.startsWith("windows") ? "windows" : "linux";
        String archName = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
        return osName + "-" + archName;
    }

    private static String version() {
        try (InputStream in = BundledFfmpeg.class.getClassLoader().getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "bundled");
            }
        } catch (IOException e) {
            // an unreadable properties file only costs the version in the directory name
        }
        return "bundled";
    }

    /** Copies the executables and shared libraries; the JNI wrappers are for in-process use and are skipped. */
    private static void copyResources(URL anchor, String resourceDir, Path temp) throws IOException {
        for (String name : listResources(anchor, resourceDir)) {
            if (name.startsWith("libjni")
                    || !(name.equals("ffmpeg")
                            || name.equals("ffprobe")
                            || name.contains(".so")
                            || name.endsWith(".dylib")
                            || name.endsWith(".exe")
                            || name.endsWith(".dll"))) {
                continue;
            }
            Path file = temp.resolve(name);
            try (InputStream in = BundledFfmpeg.class.getClassLoader().getResourceAsStream(resourceDir + name)) {
                Files.copy(in, file);
            }
            if (name.startsWith("ffmpeg") || name.startsWith("ffprobe")) {
                file.toFile().setExecutable(true, false);
            }
        }
    }

    private static List<String> listResources(URL anchor, String resourceDir) throws IOException {
        List<String> names = new ArrayList<>();
        if (anchor.getProtocol().equals("jar")) {
            JarURLConnection connection = (JarURLConnection) anchor.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                for (JarEntry entry : jar.stream().toList()) {
                    String name = entry.getName();
                    if (!entry.isDirectory()
                            && name.startsWith(resourceDir)
                            && name.indexOf('/', resourceDir.length()) < 0) {
                        names.add(name.substring(resourceDir.length()));
                    }
                }
            }
        } else {
            try (Stream<Path> files = Files.list(Path.of(anchor.toURI()).getParent())) {
                files.filter(Files::isRegularFile)
                        .forEach(f -> names.add(f.getFileName().toString()));
            } catch (URISyntaxException e) {
                throw new IOException("unusable resource location " + anchor, e);
            }
        }
        return names;
    }

    /**
     * Writes each stand-in library whose copy in {@code dir} is missing or differs from this jar's,
     * so a directory extracted by an older Spool gets the current ones too.
     */
    private static void installStandIns(Path dir) throws IOException {
        String resourceDir = STAND_INS + platform() + "/";
        for (String soname : STAND_IN_LIBRARIES) {
            byte[] wanted;
            try (InputStream in = BundledFfmpeg.class.getClassLoader().getResourceAsStream(resourceDir + soname)) {
                if (in == null) {
                    return;
                }
                wanted = in.readAllBytes();
            }
            Path file = dir.resolve(soname);
            if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), wanted)) {
                continue;
            }
            Path temp = Files.createTempFile(dir, ".standin-", ".so");
            try {
                Files.write(temp, wanted);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** bytedeco ships only versioned names (libavutil.so.60); some builds link the plain name too. */
    private static void linkUnversionedLibraries(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Matcher m = VERSIONED_LIBRARY.matcher(file.getFileName().toString());
                if (m.matches() && !Files.exists(dir.resolve(m.group(1)))) {
                    Files.createSymbolicLink(dir.resolve(m.group(1)), file.getFileName());
                }
            }
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            // another process extracted the same version first; its copy is as good as ours
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the cache directory does not support atomic renames", e);
        }
    }
}
