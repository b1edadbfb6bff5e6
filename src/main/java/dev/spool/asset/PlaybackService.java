package dev.spool.asset;

import dev.spool.error.SpoolException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Optional;

/** Resolves a playback id to the sources a player can use: static MP4s (best first), HLS, thumbnails. */
public final class PlaybackService {
    private final AssetRepository assets;
    private final AssetUrls urls;

    public PlaybackService(AssetRepository assets, AssetUrls urls) {
        this.assets = assets;
        this.urls = urls;
    }

    public PlaybackInfo info(String playbackId) {
        var asset = assets.findByPlaybackId(playbackId)
                .filter(a -> !AssetRepository.isGone(a))
                .orElseThrow(() -> new SpoolException(
                        SpoolException.Kind.NOT_FOUND, "not_found", "No playback URL found for " + playbackId));
        if (asset.status().phase() != Asset.Phase.READY || asset.files() == null) {
            throw new SpoolException(
                    SpoolException.Kind.INVALID,
                    "not_ready",
                    "asset is not ready for playback (it is "
                            + asset.status().phase().wire() + ")");
        }
        var sources = new ArrayList<PlaybackInfo.Source>();
        asset.files().stream()
                .filter(f -> f.type().equals(Asset.AssetFile.MP4))
                .sorted(Comparator.comparing((Asset.AssetFile f) -> f.bitrate() == null ? 0 : f.bitrate())
                        .reversed())
                .forEach(f -> sources.add(new PlaybackInfo.Source(
                        "MP4",
                        "html5/video/mp4",
                        urls.file(asset.playbackId(), f.path()),
                        f.size(),
                        f.width(),
                        f.height(),
                        f.bitrate())));
        asset.files().stream()
                .filter(f -> f.type().equals(Asset.AssetFile.HLS_MANIFEST))
                .findFirst()
                .ifPresent(f -> sources.add(new PlaybackInfo.Source(
                        "HLS (TS)",
                        "html5/application/vnd.apple.mpegurl",
                        urls.file(asset.playbackId(), f.path()),
                        null,
                        null,
                        null,
                        null)));
        asset.files().stream()
                .filter(f -> f.type().equals(Asset.AssetFile.THUMBNAILS_VTT))
                .findFirst()
                .ifPresent(f -> sources.add(new PlaybackInfo.Source(
                        "Thumbnails", "text/vtt", urls.file(asset.playbackId(), f.path()), null, null, null, null)));
        return new PlaybackInfo("vod", new PlaybackInfo.Meta(0, asset.playbackPolicy(), sources));
    }

    /**
     * The asset whose files may be served under this playback id: it exists and is not being deleted. Its playback
     * policy comes with it, so gating a file costs no further read.
     */
    public Optional<Asset> servable(String playbackId) {
        return assets.findByPlaybackId(playbackId).filter(a -> !AssetRepository.isGone(a));
    }
}
