package dev.spool.asset;

import dev.spool.access.PlaybackPolicy;
import dev.spool.account.Principal;
import dev.spool.db.ListQuery;
import dev.spool.db.PageQuery;
import dev.spool.error.SpoolException;
import dev.spool.task.CreateTask;
import dev.spool.task.TaskParams;
import dev.spool.task.TaskService;
import dev.spool.task.TaskType;
import dev.spool.task.engine.TaskCommands;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** Creates, reads, changes and deletes assets; each creation queues (or parks) the upload task that fills it. */
public final class AssetService {
    private static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(15);
    private static final String BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AssetRepository assets;
    private final TaskService tasks;
    private final TaskCommands engine;
    private final AssetUrls urls;
    private final ExportService exports;
    private final Clock clock;

    public AssetService(
            AssetRepository assets,
            TaskService tasks,
            TaskCommands engine,
            AssetUrls urls,
            ExportService exports,
            Clock clock) {
        this.assets = assets;
        this.exports = exports;
        this.tasks = tasks;
        this.engine = engine;
        this.urls = urls;
        this.clock = clock;
    }

    /** {@code POST /asset/upload/url}: an import, or the identical one already under way. */
    public CreatedAsset importFromUrl(Principal caller, NewAsset request) {
        AssetValidation.validate(request, true);
        return assets.jdbi().inTransaction(h -> {
            long now = clock.millis();
            var existing = assets.findRecentImport(
                    h, caller.userId(), caller.projectId(), request.url(), now - DUPLICATE_WINDOW.toMillis());
            if (existing.isPresent()) {
                return new CreatedAsset(
                        view(existing.get(), caller), existing.get().taskId(), true, null, null);
            }
            var asset = newAsset(
                    caller,
                    request,
                    encrypted(Asset.AssetSource.url(request.url()), request),
                    Asset.Phase.WAITING,
                    now);
            String taskId = createUploadTask(h, caller, asset, request, request.url(), false);
            return new CreatedAsset(view(asset, caller), taskId, false, null, null);
        });
    }

    /**
     * {@code POST /asset/request-upload}: an asset waiting for its bytes, a {@code pending} task, and a single-use
     * upload token for a direct PUT or a tus upload.
     */
    public CreatedAsset requestUpload(Principal caller, NewAsset request, Uploads uploads) {
        AssetValidation.validate(request, false);
        return assets.jdbi().inTransaction(h -> {
            long now = clock.millis();
            var asset = newAsset(
                    caller, request, encrypted(Asset.AssetSource.directUpload(), request), Asset.Phase.UPLOADING, now);
            String taskId = createUploadTask(h, caller, asset, request, urls.uploadedSource(asset.playbackId()), true);
            String token = uploads.create(h, asset.id(), taskId, now);
            return new CreatedAsset(
                    view(asset, caller), taskId, false, urls.directUpload(token), urls.tusEndpoint(token));
        });
    }

    /**
     * {@code POST /clip}: a new asset made of the range {@code startTime..endTime} (ms) of a ready asset, and the
     * {@code clip} task that fills it.
     */
    public CreatedAsset clip(Principal caller, ClipRequest request) {
        var input =
                ClipValidation.input(request, id -> assets.findByPlaybackId(id).filter(a -> canSee(caller, a)));
        return assets.jdbi().inTransaction(h -> {
            long now = clock.millis();
            String id = UUID.randomUUID().toString();
            String playbackId = playbackId(id);
            String name = request.name() == null || request.name().isBlank() ? "clip-" + playbackId : request.name();
            var clip = new Asset(
                    id,
                    playbackId,
                    caller.userId(),
                    false,
                    null,
                    null,
                    input.playbackPolicy(),
                    Asset.AssetSource.clip(input.playbackId(), input.id(), request.sessionId()),
                    input.creatorId(),
                    input.profiles(),
                    new Asset.AssetStatus(Asset.Phase.WAITING, now, null, null),
                    name,
                    caller.projectId(),
                    now,
                    caller.keyName(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    input.targetSegmentSizeSecs(),
                    null);
            var params = ClipHandler.params(
                    request.startTime(), request.endTime(), input.playbackId(), request.sessionId(), input.id());
            String taskId = insertWithTask(
                    h, caller, clip, new CreateTask(TaskType.CLIP, params, input.id(), clip.id(), null, null, false));
            return new CreatedAsset(view(assets.find(h, id).orElseThrow(), caller), taskId, false, null, null);
        });
    }

    /** {@code GET /asset/{id}/clips}: the clips cut from an asset the caller can see (by id or playback id). */
    public PageQuery.Page<Asset> clips(Principal caller, String idOrPlaybackId, ListQuery query, boolean withCount) {
        var asset = visible(caller, idOrPlaybackId)
                .or(() -> assets.findByPlaybackId(idOrPlaybackId).filter(a -> canSee(caller, a)))
                .orElseThrow(SpoolException::notFound);
        boolean everyone = caller.admin();
        return assets.listClips(
                        asset.id(),
                        everyone ? Optional.empty() : Optional.of(caller.userId()),
                        everyone ? Optional.empty() : Optional.of(caller.projectId()),
                        query,
                        withCount)
                .map(a -> view(a, caller, false));
    }

    private static Asset.AssetSource encrypted(Asset.AssetSource source, NewAsset request) {
        var encryption = AssetValidation.encryption(request.encryption(), request.playbackPolicy());
        return encryption == null
                ? source
                : new Asset.AssetSource(
                        source.type(),
                        source.url(),
                        source.gatewayUrl(),
                        encryption,
                        source.sessionId(),
                        source.sourceId(),
                        source.playbackId(),
                        source.requesterId(),
                        source.assetId());
    }

    private Asset newAsset(Principal caller, NewAsset request, Asset.AssetSource source, Asset.Phase phase, long now) {
        String id = UUID.randomUUID().toString();
        return new Asset(
                id,
                playbackId(id),
                caller.userId(),
                Boolean.TRUE.equals(request.staticMp4()),
                null,
                null,
                AssetValidation.playbackPolicy(request.playbackPolicy()),
                source,
                AssetValidation.creatorId(request.creatorId()),
                request.profiles(),
                new Asset.AssetStatus(phase, now, null, null),
                request.name(),
                caller.projectId(),
                now,
                caller.keyName(),
                null,
                null,
                null,
                null,
                null,
                request.targetSegmentSizeSecs(),
                null);
    }

    private String createUploadTask(
            Handle h, Principal caller, Asset asset, NewAsset request, String sourceUrl, boolean pending) {
        var encryption = asset.source().encryption();
        var params = new TaskParams(
                new TaskParams.Upload(
                        sourceUrl,
                        encryption == null ? null : new TaskParams.Encryption(encryption.encryptedKey()),
                        request.c2pa(),
                        request.profiles(),
                        request.targetSegmentSizeSecs(),
                        true,
                        null),
                null,
                null,
                null,
                null);
        return insertWithTask(
                h, caller, asset, new CreateTask(TaskType.UPLOAD, params, null, asset.id(), null, null, pending));
    }

    /** Creates the task that fills {@code asset}, then the asset naming it. */
    private String insertWithTask(Handle h, Principal caller, Asset asset, CreateTask request) {
        var task = tasks.create(h, caller.userId(), caller.projectId(), request);
        var withTask = new Asset(
                asset.id(),
                asset.playbackId(),
                asset.userId(),
                asset.staticMp4(),
                null,
                null,
                asset.playbackPolicy(),
                asset.source(),
                asset.creatorId(),
                asset.profiles(),
                asset.status(),
                asset.name(),
                asset.projectId(),
                asset.createdAt(),
                asset.createdByTokenName(),
                null,
                null,
                null,
                null,
                task.id(),
                asset.targetSegmentSizeSecs(),
                null);
        assets.insert(h, withTask);
        return task.id();
    }

    /**
     * The bytes of a direct upload are in the object store: the asset waits for processing and its task joins the
     * queue, in the caller's transaction. False when the asset is no longer waiting for an upload.
     */
    public boolean uploadCompleted(Handle h, String assetId) {
        var asset = assets.find(h, assetId).filter(a -> a.status().phase() == Asset.Phase.UPLOADING);
        if (asset.isEmpty()) {
            return false;
        }
        assets.updateStatus(h, assetId, Asset.Phase.WAITING, null, null, clock.millis());
        engine.enqueuePending(h, asset.get().taskId());
        return true;
    }

    public Asset get(Principal caller, String id, boolean details) {
        return visible(caller, id).map(a -> view(a, caller, details)).orElseThrow(SpoolException::notFound);
    }

    public PageQuery.Page<Asset> list(
            Principal caller, ListQuery query, boolean allUsers, boolean details, boolean withCount) {
        boolean everyone = caller.admin() && allUsers;
        var page = assets.list(
                everyone ? Optional.empty() : Optional.of(caller.userId()),
                everyone ? Optional.empty() : Optional.of(caller.projectId()),
                query,
                withCount);
        return page.map(a -> view(a, caller, details));
    }

    public Asset patch(Principal caller, String id, AssetPatch patch) {
        AssetValidation.validate(patch);
        return assets.jdbi().inTransaction(h -> {
            var asset = assets.find(h, id).filter(a -> canSee(caller, a)).orElseThrow(SpoolException::notFound);
            if (asset.source().encryption() != null
                    && patch.playbackPolicy() != null
                    && !PlaybackPolicy.isPrivate(patch.playbackPolicy())) {
                throw SpoolException.invalid(
                        "playbackPolicy",
                        "this asset was uploaded encrypted: its policy must " + "stay jwt or webhook");
            }
            assets.patch(
                    h,
                    asset.id(),
                    patch.name(),
                    AssetValidation.creatorId(patch.creatorId()),
                    AssetValidation.playbackPolicy(patch.playbackPolicy()),
                    clock.millis());
            if (patch.storage() != null && !patch.storage().isNull()) {
                exports.copyToIpfs(h, caller, asset, patch.storage(), clock.millis());
            }
            return view(assets.find(h, id).orElseThrow(), caller, false);
        });
    }

    /**
     * Soft delete, then its unfinished task is cancelled (the asset, already deleting, does not follow the task
     * to failed); the files go in a background clean-up.
     */
    public void delete(Principal caller, String id) {
        assets.jdbi().useTransaction(h -> {
            var asset = assets.find(h, id).filter(a -> canSee(caller, a)).orElseThrow(SpoolException::notFound);
            assets.markDeleting(h, view(asset, caller, true), clock.millis());
            if (asset.taskId() != null) {
                engine.cancelUnfinished(h, asset.taskId(), "task cancelled: its asset was deleted");
            }
        });
    }

    private Optional<Asset> visible(Principal caller, String id) {
        return assets.find(id).filter(a -> canSee(caller, a));
    }

    private static boolean canSee(Principal caller, Asset asset) {
        return !AssetRepository.isGone(asset) && caller.canSee(asset.userId(), asset.projectId());
    }

    private Asset view(Asset asset, Principal caller) {
        return view(asset, caller, false);
    }

    Asset view(Asset asset, Principal caller, boolean details) {
        return urls.withUrls(asset).viewFor(caller.admin(), details);
    }

    /** 16 lowercase base-36 characters; the first four follow the asset id, as Livepeer shards them. */
    static String playbackId(String assetId) {
        var id = new StringBuilder(assetId.replace("-", "").substring(0, 4).toLowerCase(Locale.ROOT));
        while (id.length() < 16) {
            id.append(BASE36.charAt(RANDOM.nextInt(BASE36.length())));
        }
        return id.toString();
    }
}
