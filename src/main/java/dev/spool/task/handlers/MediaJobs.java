package dev.spool.task.handlers;

import dev.spool.config.Config;
import dev.spool.media.Fmp4Packager;
import dev.spool.media.MediaPipeline;
import dev.spool.media.Mp4Mode;
import dev.spool.media.PipelineRequest;
import dev.spool.media.TranscodeProfile;
import dev.spool.task.TaskParams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What every media task shares: a private work directory removed in every outcome, the pipeline and the fMP4
 * packager, and the mapping from the API's profiles to the pipeline's.
 */
public final class MediaJobs {
    private final MediaPipeline pipeline;
    private final Fmp4Packager fmp4;
    private final Config.Media settings;
    private final Path workRoot;

    public MediaJobs(MediaPipeline pipeline, Fmp4Packager fmp4, Config.Media settings, Path workRoot) {
        this.pipeline = pipeline;
        this.fmp4 = fmp4;
        this.settings = settings;
        this.workRoot = workRoot;
    }

    MediaPipeline pipeline() {
        return pipeline;
    }

    Fmp4Packager fmp4() {
        return fmp4;
    }

    /** A fresh directory for one attempt of one task. */
    Path workDir(String taskId, int attempt) {
        try {
            Path dir = workRoot.resolve(taskId + "-" + attempt);
            deleteTree(dir);
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory under " + workRoot, e);
        }
    }

    PipelineRequest request(Path input, Path output, List<TaskParams.Profile> profiles, Double segmentSeconds,
                            Mp4Mode mp4) {
        return builder(input, output, profiles, segmentSeconds).mp4(mp4).thumbnails(true).build();
    }

    /** A request with the caller's renditions and segment length and this server's media settings. */
    PipelineRequest.Builder builder(Path input, Path output, List<TaskParams.Profile> profiles,
                                    Double segmentSeconds) {
        return PipelineRequest.builder(input, output)
                .profiles(profiles == null ? List.of() : profiles.stream().map(MediaJobs::toPipeline).toList())
                .segmentSeconds(segmentSeconds == null ? PipelineRequest.DEFAULT_SEGMENT_SECONDS : segmentSeconds)
                .preset(settings.preset())
                .chunking(settings.chunkThresholdSeconds(), settings.maxParallel())
                .maxInputBytes(settings.maxInputBytes());
    }

    long maxInputBytes() {
        return settings.maxInputBytes();
    }

    static TranscodeProfile toPipeline(TaskParams.Profile p) {
        return new TranscodeProfile(p.name(), p.width(), p.height(), p.bitrate(), p.quality(), p.fps(), p.fpsDen(),
                p.gop(), p.profile() == null ? null : TranscodeProfile.H264Profile.parse(p.profile()),
                p.encoder() == null ? null : TranscodeProfile.Encoder.parse(p.encoder()));
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
