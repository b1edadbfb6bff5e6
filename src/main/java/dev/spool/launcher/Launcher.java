package dev.spool.launcher;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The jar's entry point, compiled for Java 8 so that any {@code java} can load it. On Java 21 or
 * later it runs Spool's main in this JVM. On an older one it finds an installed JDK 21+ and re-runs
 * Spool there, as a child with the same JVM options, arguments and standard streams; the child's
 * exit code becomes this process's, and stopping this process (SIGTERM, Ctrl-C) stops the child
 * gracefully first. With no JDK 21+ installed it says what to install.
 */
public final class Launcher {

    static final int REQUIRED = 21;
    /** Overrides the folders searched for JDKs (path-separated), for tests and unusual layouts. */
    static final String SEARCH_PROPERTY = "spool.jdk.search";

    private static final String MAIN = "dev.spool.cli.Main";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        int current = major(System.getProperty("java.specification.version"));
        if (current >= REQUIRED) {
            runInProcess(args);
            return;
        }
        Path jdk = findJdk(System.getenv("JAVA_HOME"), searchRoots());
        if (jdk == null) {
            System.err.println(noJdkMessage(current));
            System.exit(1);
        }
        System.exit(relaunch(java(jdk), args));
    }

    /** Spool's main is compiled for Java 21, which this class cannot link against; it is called by name. */
    private static void runInProcess(String[] args) throws Exception {
        try {
            Class.forName(MAIN).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ? (Exception) cause : new RuntimeException(cause);
        }
    }

    private static int relaunch(Path java, String[] args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN);
        command.addAll(Arrays.asList(args));
        final Process child = new ProcessBuilder(command).inheritIO().start();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            child.destroy();
                            try {
                                child.waitFor();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "spool-launcher-stop-child"));
        return child.waitFor();
    }

    /** JAVA_HOME when it is a JDK 21+, otherwise the newest JDK 21+ in the search roots; null if none. */
    static Path findJdk(String javaHome, List<Path> roots) {
        if (javaHome != null && !javaHome.isEmpty() && version(Paths.get(javaHome)) >= REQUIRED) {
            return Paths.get(javaHome);
        }
        Path best = null;
        int bestVersion = 0;
        for (Path candidate : candidates(roots)) {
            int version = version(candidate);
            if (version >= REQUIRED && version > bestVersion) {
                best = candidate;
                bestVersion = version;
            }
        }
        return best;
    }

    static String noJdkMessage(int current) {
        return "spool: Spool needs Java " + REQUIRED + " or later, this java is " + current
                + ", and no Java " + REQUIRED + "+ was found in JAVA_HOME or in " + searchRoots()
                + ". Install one (Debian 13 / Ubuntu 24.04: apt-get install openjdk-21-jre-headless;"
                + " elsewhere Eclipse Temurin 21 or later from https://adoptium.net) or set JAVA_HOME to it.";
    }

    /** Where JDKs are usually installed: package managers, Docker images, SDKMAN!, IDEs, macOS. */
    static List<Path> searchRoots() {
        String configured = System.getProperty(SEARCH_PROPERTY);
        List<Path> roots = new ArrayList<>();
        if (configured != null) {
            for (String root : configured.split(File.pathSeparator)) {
                if (!root.isEmpty()) {
                    roots.add(Paths.get(root));
                }
            }
            return roots;
        }
        String home = System.getProperty("user.home");
        for (String root : new String[] {
            "/usr/lib/jvm",
            "/opt/java",
            "/usr/java",
            "/usr/local/java",
            home + "/.sdkman/candidates/java",
            home + "/.jdks",
            "/Library/Java/JavaVirtualMachines"
        }) {
            roots.add(Paths.get(root));
        }
        return roots;
    }

    /** Each root, its subfolders, and their macOS bundle homes: wherever a {@code release} file may be. */
    private static List<Path> candidates(List<Path> roots) {
        List<Path> candidates = new ArrayList<>();
        for (Path root : roots) {
            candidates.add(root);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> children = Files.list(root)) {
                children.sorted().forEach(child -> {
                    candidates.add(child);
                    candidates.add(child.resolve("Contents").resolve("Home"));
                });
            } catch (IOException e) {
                // an unreadable folder holds no usable JDK
            }
        }
        return candidates;
    }

    /** The major version a JDK's {@code release} file declares, 0 when it is no runnable JDK. */
    static int version(Path home) {
        Path release = home.resolve("release");
        if (!Files.isExecutable(java(home)) || !Files.isRegularFile(release)) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return major(line.substring("JAVA_VERSION=".length()).replace("\"", ""));
                }
            }
        } catch (IOException e) {
            // unreadable: not a JDK Spool can use
        }
        return 0;
    }

    private static Path java(Path home) {
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        return home.resolve("bin").resolve(windows ? "java.exe" : "java");
    }

    /** "1.8.0_392" is 8, "17.0.15" is 17, "25" is 25. */
    static int major(String version) {
        String[] parts = version.split("[._+-]");
        try {
            int first = Integer.parseInt(parts[0]);
            return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
