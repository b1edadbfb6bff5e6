package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What every successful run must satisfy: ffprobe reads every playlist and every segment on its
 * own, the segments add up to the source duration, every video segment starts with a keyframe,
 * and timestamps run on from one segment to the next.
 */
final class HlsAssertions {

    private HlsAssertions() {}

    static void assertPlayable(Path out, PipelineResult result, double sourceDuration) throws IOException {
        String master = Files.readString(out.resolve(result.masterPlaylist()));
        assertThat(master).startsWith("#EXTM3U");
        assertThat(result.files()).contains(result.masterPlaylist());
        for (PipelineResult.HlsRendition rendition : result.renditions()) {
            assertThat(master).contains(rendition.playlist());
            assertRenditionPlayable(out, rendition, sourceDuration);
        }
        try (var entries = Files.list(out)) {
            assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".spool-work"));
        }
    }

    private static void assertRenditionPlayable(Path out, PipelineResult.HlsRendition rendition, double sourceDuration)
            throws IOException {
        Path playlistFile = out.resolve(rendition.playlist());
        String text = Files.readString(playlistFile);
        assertThat(text)
                .contains("#EXT-X-PLAYLIST-TYPE:VOD")
                .contains("#EXT-X-ENDLIST")
                .doesNotContain("DISCONTINUITY");
        ChildProcess.Result whole =
                TestMedia.ffprobe("-show_entries", "format=duration", "-of", "csv=p=0", playlistFile.toString());
        assertThat(whole.ok())
                .as("ffprobe reads %s: %s", rendition.playlist(), whole.stderrTail())
                .isTrue();

        MediaPlaylist playlist = MediaPlaylist.read(playlistFile);
        assertThat(playlist.totalDuration())
                .as("summed segment durations of " + rendition.name())
                .isCloseTo(sourceDuration, within(0.5));
        boolean video = rendition.width() > 0;
        Double firstStart = null;
        double elapsed = 0;
        for (MediaPlaylist.Segment segment : playlist.segments()) {
            Path file = probeable(playlistFile.getParent(), segment);
            ChildProcess.Result packets = TestMedia.ffprobe(
                    "-select_streams",
                    video ? "v:0" : "a:0",
                    "-show_entries",
                    "packet=pts_time,duration_time,flags",
                    "-of",
                    "csv=p=0",
                    file.toString());
            assertThat(packets.ok())
                    .as("ffprobe reads %s: %s", segment.uri(), packets.stderrTail())
                    .isTrue();
            String[] first = packets.stdout().lines().findFirst().orElse("").split(",");
            assertThat(first).as("first packet of " + segment.uri()).hasSizeGreaterThanOrEqualTo(3);
            if (video) {
                assertThat(first[2])
                        .as("segment %s of %s starts with a keyframe", segment.uri(), rendition.name())
                        .startsWith("K");
            }
            double start = Double.parseDouble(first[0]);
            double end = packets.stdout()
                    .lines()
                    .map(l -> l.split(","))
                    .mapToDouble(p -> Double.parseDouble(p[0]) + (p[1].equals("N/A") ? 0 : Double.parseDouble(p[1])))
                    .max()
                    .orElse(start);
            if (video) {
                assertThat(end - start)
                        .as("what segment %s of %s holds against its playlist entry", segment.uri(), rendition.name())
                        .isCloseTo(segment.duration(), within(0.1));
            }
            if (firstStart == null) {
                firstStart = start;
            }
            assertThat(start - firstStart)
                    .as("timestamps continue into " + segment.uri())
                    .isCloseTo(elapsed, within(0.1));
            elapsed += segment.duration();
            if (segment.init() != null) {
                Files.delete(file);
            }
        }
    }

    /** A fragmented MP4 segment is only readable after its initialisation section. */
    private static Path probeable(Path dir, MediaPlaylist.Segment segment) throws IOException {
        Path file = dir.resolve(segment.uri());
        if (segment.init() == null) {
            return file;
        }
        Path joined = Files.createTempFile("segment-", ".mp4");
        try (OutputStream outStream = Files.newOutputStream(joined)) {
            outStream.write(Files.readAllBytes(dir.resolve(segment.init())));
            outStream.write(Files.readAllBytes(file));
        }
        return joined;
    }

    /** How far apart the first audio and the first video timestamps of a file or playlist are, in seconds. */
    static double audioVideoStartGap(Path file) {
        return Math.abs(audioStartAfterVideo(file));
    }

    /** The first audio timestamp minus the first video timestamp of a file or playlist, in seconds. */
    static double audioStartAfterVideo(Path file) {
        ChildProcess.Result r =
                TestMedia.ffprobe("-show_entries", "stream=codec_type,start_time", "-of", "csv=p=0", file.toString());
        assertThat(r.ok()).as(r.stderrTail()).isTrue();
        Double video = null;
        Double audio = null;
        for (String line : r.stdout().strip().split("\n")) {
            String[] cells = line.split(",");
            if (cells[0].equals("video") && video == null) {
                video = Double.parseDouble(cells[1]);
            } else if (cells[0].equals("audio") && audio == null) {
                audio = Double.parseDouble(cells[1]);
            }
        }
        assertThat(video).as("video start of " + file).isNotNull();
        assertThat(audio).as("audio start of " + file).isNotNull();
        return audio - video;
    }

    /** The duration of a whole file (its format), in seconds. */
    static double formatDuration(Path file) {
        return Double.parseDouble(TestMedia.probe("-show_entries", "format=duration", "-of", "csv=p=0", file.toString())
                .strip());
    }

    static List<String> videoStreamLine(Path file, String entries) {
        ChildProcess.Result r = TestMedia.ffprobe(
                "-select_streams", "v:0", "-show_entries", "stream=" + entries, "-of", "csv=p=0", file.toString());
        assertThat(r.ok()).as(r.stderrTail()).isTrue();
        // playlists list their streams twice (program and stream sections): the first line is enough
        return List.of(r.stdout().strip().lines().findFirst().orElse("").split(","));
    }
}
