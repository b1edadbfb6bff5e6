package dev.spool.media;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the dynamic loader's complaint about a missing shared library into a sentence that names
 * the library and the command that installs it.
 */
final class LoaderError {

    private static final Pattern MISSING =
            Pattern.compile("error while loading shared libraries: ([^:\\s]+): cannot open shared object file");

    /**
     * Debian packages for the system libraries the bundled ffmpeg links but neither carries nor gets
     * a stand-in for (a minimal Debian has them; a stripped-down container may not).
     */
    private static final Map<String, String> PACKAGES = Map.of(
            "libstdc++.so.6", "libstdc++6",
            "libgcc_s.so.1", "libgcc-s1");

    private LoaderError() {}

    static String explain(String stderr) {
        Matcher m = MISSING.matcher(stderr);
        if (!m.find()) {
            String trimmed = stderr.strip();
            return trimmed.isEmpty() ? "it exited with an error and printed nothing" : trimmed;
        }
        String library = m.group(1);
        String pkg = PACKAGES.get(library);
        String install = pkg != null
                ? "apt-get install -y " + pkg
                : "install the package that provides " + library + " (Debian: apt-file search " + library + ")";
        return "the system library " + library + " is missing; install it with: " + install;
    }
}
