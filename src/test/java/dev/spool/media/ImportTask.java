package dev.spool.media;

import dev.spool.mediajob.ArrivingSource;
import dev.spool.mediajob.OutputPublisher;
import dev.spool.mediajob.SegmentPublisher;
import dev.spool.storage.FetchConfig;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.SourceFetcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an import task does with a source URL, with the same components in the same order as the upload task: fetch
 * into a private work directory while the pipeline (probe, encode, package, hashes) reads the source as it arrives
 * (when its layout allows), publish every output under the asset's prefix and keep a copy of the source, then remove
 * the work directory.
 */
final class ImportTask {

    static final String PREFIX = "asset";

    private final FfmpegBinaries binaries;
    private final Path work;
    private final ObjectStore store;
    private final String preset;
    private final SourceFetcher fetcher = new SourceFetcher(new FetchConfig(
            true,
            FetchConfig.DEFAULT_MAX_BYTES,
            FetchConfig.DEFAULT_CONNECT_TIMEOUT,
            FetchConfig.DEFAULT_READ_TIMEOUT,
            FetchConfig.DEFAULT_MAX_REDIRECTS,
            FetchConfig.DEFAULT_IPFS_GATEWAYS,
            FetchConfig.DEFAULT_ARWEAVE_GATEWAYS));
    /** The time each step of the fastest run so far took, as the bench keeps the fastest run's total. */
    private Map<String, Double> fastest = Map.of();

    ImportTask(FfmpegBinaries binaries, Path work, ObjectStore store, String preset) {
        this.binaries = binaries;
        this.work = work;
        this.store = store;
        this.preset = preset;
    }

    void run(String url) throws Exception {
        WorkDir.deleteTree(work);
        Files.createDirectories(work);
        Map<String, Double> steps = new LinkedHashMap<>();
        long start = System.nanoTime();
        Path source = work.resolve("source");
        Path out = work.resolve("out");
        SegmentPublisher segments = new SegmentPublisher(store, PREFIX);
        PipelineResult result;
        try (var arriving = ArrivingSource.start(fetcher, url, source)) {
            result = new MediaPipeline(binaries)
                    .run(
                            PipelineRequest.builder(source, out)
                                    .preset(preset)
                                    .mp4(Mp4Mode.ALL)
                                    .thumbnails(true)
                                    .arriving(arriving)
                                    .build(),
                            ProgressListener.NONE,
                            segments,
                            null);
        }
        start = step(steps, "fetch, pipeline and segments", start);
        OutputPublisher.publish(store, PREFIX, out, segments.remaining(result.files()), p -> {});
        store.put(PREFIX + "/source", source, "application/octet-stream");
        step(steps, "publish", start);
        if (fastest.isEmpty() || total(steps) < total(fastest)) {
            fastest = steps;
        }
        WorkDir.deleteTree(work);
    }

    /** The time each step of the fastest run took. */
    String steps() {
        return String.join(
                ", ",
                fastest.entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "%s %.1f s", e.getKey(), e.getValue()))
                        .toList());
    }

    /** Where a rendition's published playlist is in a local store rooted at {@code storeRoot}. */
    static Path published(Path storeRoot, String rendition) {
        return storeRoot.resolve(PREFIX).resolve(rendition).resolve(Packager.MEDIA);
    }

    /** The video bitrate each published rendition measures, by name. */
    Map<String, Long> videoBitrates(Path storeRoot, List<Rendition> renditions, Quality quality) throws Exception {
        Map<String, Long> bitrates = new LinkedHashMap<>();
        for (Rendition r : renditions) {
            bitrates.put(r.name(), quality.videoBitrate(published(storeRoot, r.name())));
        }
        return bitrates;
    }

    private static long step(Map<String, Double> steps, String name, long since) {
        long now = System.nanoTime();
        steps.put(name, (now - since) / 1e9);
        return now;
    }

    private static double total(Map<String, Double> steps) {
        return steps.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
