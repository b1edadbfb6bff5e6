package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.error.SpoolException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** Checks a clip request against the asset it cuts; every refusal says what is wrong and what would do. */
final class ClipValidation {
    private ClipValidation() {}

    /**
     * @param lookup finds an asset the caller can see by its playback id
     * @return the ready asset to clip
     */
    static Asset input(ClipRequest request, Function<String, Optional<Asset>> lookup) {
        if (request.playbackId() == null || request.playbackId().isBlank()) {
            throw SpoolException.invalid("playbackId", "is required: the playback id of the asset to clip");
        }
        if (request.startTime() == null || request.startTime() < 0) {
            throw SpoolException.invalid("startTime", "is required: milliseconds from the asset's start, 0 or more");
        }
        if (request.endTime() == null) {
            throw SpoolException.invalid("endTime", "is required: milliseconds from the asset's start");
        }
        if (request.endTime() <= request.startTime()) {
            throw SpoolException.invalid(
                    "endTime",
                    "must be after startTime (" + ms(request.endTime()) + " is not after " + ms(request.startTime())
                            + ")");
        }
        var asset = lookup.apply(request.playbackId())
                .orElseThrow(() -> new SpoolException(
                        SpoolException.Kind.NOT_FOUND,
                        "not_found",
                        "no asset with playbackId " + request.playbackId()));
        if (asset.status().phase() != Asset.Phase.READY) {
            throw new SpoolException(
                    SpoolException.Kind.INVALID,
                    "asset_not_ready",
                    "asset " + asset.id() + " is " + asset.status().phase().wire()
                            + "; only ready assets can be clipped");
        }
        JsonNode spec = asset.videoSpec();
        double durationMs = spec == null ? 0 : spec.path("duration").asDouble() * 1000;
        if (durationMs > 0 && request.startTime() >= durationMs) {
            throw SpoolException.invalid(
                    "startTime",
                    ms(request.startTime()) + " is not before the end of the asset (" + ms(durationMs) + ")");
        }
        double fps = videoFps(spec);
        double rangeMs =
                (durationMs > 0 ? Math.min(request.endTime(), durationMs) : request.endTime()) - request.startTime();
        if (fps > 0 && rangeMs < 1000 / fps) {
            throw SpoolException.invalid(
                    "endTime",
                    "the range is " + ms(rangeMs) + ", shorter than one frame (" + ms(1000 / fps) + " at "
                            + String.format(Locale.ROOT, "%.3f", fps) + " fps)");
        }
        return asset;
    }

    private static double videoFps(JsonNode spec) {
        if (spec == null) {
            return 0;
        }
        for (JsonNode track : spec.path("tracks")) {
            if ("video".equals(track.path("type").asText())) {
                return track.path("fps").asDouble();
            }
        }
        return 0;
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.0f ms", value);
    }
}
