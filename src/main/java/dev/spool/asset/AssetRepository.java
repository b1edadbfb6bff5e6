package dev.spool.asset;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.db.Database;
import dev.spool.db.ListQuery;
import dev.spool.db.PageQuery;
import dev.spool.json.Json;
import dev.spool.task.TaskParams;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Reads and writes asset rows; every state change also reaches the observers in the same transaction. */
public final class AssetRepository {
    public static final Map<String, String> FIELDS = Map.of(
            "id", "id",
            "userId", "user_id",
            "name", "name",
            "playbackId", "playback_id",
            "phase", "phase",
            "sourceUrl", "source_url",
            "createdAt", "created_at",
            "updatedAt", "updated_at");
    public static final Set<String> NUMERIC_FIELDS = Set.of("createdAt", "updatedAt");
    public static final Set<String> FULL_TEXT_FIELDS = Set.of("name");

    private static final String COLUMNS = "id, playback_id, user_id, project_id, name, source, creator_id, profiles, "
            + "playback_policy, static_mp4, target_segment_secs, phase, progress, error_message, updated_at, "
            + "created_at, created_by_token_name, size, hash, video_spec, files, task_id, storage";
    private static final TypeReference<List<TaskParams.Profile>> PROFILES = new TypeReference<>() {};
    private static final TypeReference<List<Asset.Hash>> HASHES = new TypeReference<>() {};
    private static final TypeReference<List<Asset.AssetFile>> FILES = new TypeReference<>() {};

    private final Jdbi jdbi;
    private final List<AssetObserver> observers;

    public AssetRepository(Database database, List<AssetObserver> observers) {
        this.jdbi = database.jdbi();
        this.observers = List.copyOf(observers);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    void insert(Handle h, Asset asset) {
        h.createUpdate("INSERT INTO assets (id, playback_id, user_id, project_id, name, source, source_url, "
                        + "creator_id, profiles, playback_policy, static_mp4, target_segment_secs, phase, updated_at, "
                        + "created_at, created_by_token_name, task_id, clip_of) VALUES (:id, :playbackId, :user, "
                        + ":project, :name, :source, :sourceUrl, :creator, :profiles, :policy, :staticMp4, :segment, "
                        + ":phase, :updated, :created, :token, :task, :clipOf)")
                .bind("id", asset.id())
                .bind("playbackId", asset.playbackId())
                .bind("user", asset.userId())
                .bind("project", asset.projectId())
                .bind("name", asset.name())
                .bind("source", Json.write(asset.source()))
                .bind("sourceUrl", asset.source().url())
                .bind("creator", json(asset.creatorId()))
                .bind("profiles", json(asset.profiles()))
                .bind("policy", json(asset.playbackPolicy()))
                .bind("staticMp4", Boolean.TRUE.equals(asset.staticMp4()))
                .bind("segment", asset.targetSegmentSizeSecs())
                .bind("phase", asset.status().phase().wire())
                .bind("updated", asset.status().updatedAt())
                .bind("created", asset.createdAt())
                .bind("token", asset.createdByTokenName())
                .bind("task", asset.taskId())
                .bind(
                        "clipOf",
                        Asset.AssetSource.CLIP.equals(asset.source().type())
                                ? asset.source().assetId()
                                : null)
                .execute();
        notify(h, asset, AssetEvent.CREATED);
    }

    public Optional<Asset> find(String id) {
        return jdbi.withHandle(h -> find(h, id));
    }

    public Optional<Asset> find(Handle h, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM assets WHERE id = :id")
                .bind("id", id)
                .map(AssetRepository::map)
                .findOne();
    }

    public Optional<Asset> findByPlaybackId(String playbackId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM assets WHERE playback_id = :p")
                .bind("p", playbackId)
                .map(AssetRepository::map)
                .findOne());
    }

    /** An unfinished import of the same URL by the same owner and project within the window, if any. */
    Optional<Asset> findRecentImport(Handle h, String userId, String projectId, String url, long since) {
        return h.createQuery("SELECT " + COLUMNS + " FROM assets WHERE user_id = :user AND project_id = :project "
                        + "AND source_url = :url AND created_at >= :since AND phase IN ('waiting', 'processing') "
                        + "ORDER BY created_at DESC LIMIT 1")
                .bind("user", userId)
                .bind("project", projectId)
                .bind("url", url)
                .bind("since", since)
                .map(AssetRepository::map)
                .findOne();
    }

    PageQuery.Page<Asset> list(
            Optional<String> userId, Optional<String> projectId, ListQuery query, boolean withCount) {
        return page(new java.util.LinkedHashMap<>(), userId, projectId, query, withCount);
    }

    /** The clips cut from the asset {@code assetId}, within the scope like {@link #list}. */
    PageQuery.Page<Asset> listClips(
            String assetId, Optional<String> userId, Optional<String> projectId, ListQuery query, boolean withCount) {
        var scope = new java.util.LinkedHashMap<String, Object>();
        scope.put("clip_of", assetId);
        return page(scope, userId, projectId, query, withCount);
    }

    private PageQuery.Page<Asset> page(
            Map<String, Object> scope,
            Optional<String> userId,
            Optional<String> projectId,
            ListQuery query,
            boolean withCount) {
        userId.ifPresent(u -> scope.put("user_id", u));
        projectId.ifPresent(p -> scope.put("project_id", p));
        return PageQuery.fetch(
                jdbi,
                "assets",
                COLUMNS,
                AssetRepository::map,
                query,
                FIELDS,
                "created_at DESC, id DESC",
                scope,
                List.of("phase NOT IN ('deleting', 'deleted')"),
                withCount);
    }

    /**
     * Moves the asset to a phase with its progress (never backwards while processing) and error; emits
     * {@code asset.updated} plus {@code asset.ready}/{@code asset.failed} when the phase becomes one of those.
     * Assets being deleted keep their phase.
     */
    Optional<Asset> updateStatus(
            Handle h, String id, Asset.Phase phase, Double progress, String errorMessage, long now) {
        var before = find(h, id);
        if (before.isEmpty() || isGone(before.get())) {
            return Optional.empty();
        }
        Double kept = progress;
        var old = before.get().status();
        if (phase == Asset.Phase.PROCESSING
                && old.phase() == Asset.Phase.PROCESSING
                && old.progress() != null
                && (progress == null || progress < old.progress())) {
            kept = old.progress();
        }
        h.createUpdate("UPDATE assets SET phase = :phase, progress = :progress, error_message = :error, "
                        + "updated_at = :now WHERE id = :id")
                .bind("phase", phase.wire())
                .bind("progress", kept)
                .bind("error", errorMessage)
                .bind("now", now)
                .bind("id", id)
                .execute();
        var after = find(h, id).orElseThrow();
        notify(h, after, AssetEvent.UPDATED);
        if (old.phase() != phase && phase == Asset.Phase.READY) {
            notify(h, after, AssetEvent.READY);
        }
        if (old.phase() != phase && phase == Asset.Phase.FAILED) {
            notify(h, after, AssetEvent.FAILED);
        }
        return Optional.of(after);
    }

    /** Records what the pipeline produced, in the transaction that completes the task. */
    void recordMedia(Handle h, String id, AssetSpec spec) {
        h.createUpdate(
                        "UPDATE assets SET size = :size, hash = :hash, video_spec = :spec, files = :files WHERE id = :id")
                .bind("size", spec.size())
                .bind("hash", Json.write(spec.hash()))
                .bind("spec", json(spec.videoSpec()))
                .bind("files", Json.write(spec.files()))
                .bind("id", id)
                .execute();
    }

    /** Writes the asset's {@code storage} (its IPFS copy and the export that keeps it), announcing the change. */
    void updateStorage(Handle h, String id, JsonNode storage, long now) {
        h.createUpdate("UPDATE assets SET storage = :storage, updated_at = :now WHERE id = :id")
                .bind("storage", json(storage))
                .bind("now", now)
                .bind("id", id)
                .execute();
        notify(h, find(h, id).orElseThrow(), AssetEvent.UPDATED);
    }

    void patch(Handle h, String id, String name, Asset.CreatorId creatorId, JsonNode playbackPolicy, long now) {
        h.createUpdate("UPDATE assets SET name = COALESCE(:name, name), "
                        + "creator_id = COALESCE(:creator, creator_id), "
                        + "playback_policy = COALESCE(:policy, playback_policy), updated_at = :now WHERE id = :id")
                .bind("name", name)
                .bind("creator", json(creatorId))
                .bind("policy", json(playbackPolicy))
                .bind("now", now)
                .bind("id", id)
                .execute();
        notify(h, find(h, id).orElseThrow(), AssetEvent.UPDATED);
    }

    /** Soft delete: the asset reads {@code deleting} until the clean-up removed its files. */
    void markDeleting(Handle h, Asset before, long now) {
        h.createUpdate("UPDATE assets SET phase = 'deleting', progress = NULL, deleted_at = :now, updated_at = :now "
                        + "WHERE id = :id")
                .bind("now", now)
                .bind("id", before.id())
                .execute();
        notify(h, before, AssetEvent.DELETED);
    }

    /** Assets deleted before the given time whose files are still to be removed. */
    List<Asset> deletingSince(long before) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT " + COLUMNS + " FROM assets " + "WHERE phase = 'deleting' AND deleted_at <= :before")
                .bind("before", before)
                .map(AssetRepository::map)
                .list());
    }

    void markDeleted(String id, long now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE assets SET phase = 'deleted', updated_at = :now "
                        + "WHERE id = :id AND phase = 'deleting'")
                .bind("now", now)
                .bind("id", id)
                .execute());
    }

    static boolean isGone(Asset asset) {
        var phase = asset.status().phase();
        return phase == Asset.Phase.DELETING || phase == Asset.Phase.DELETED;
    }

    private void notify(Handle h, Asset asset, AssetEvent event) {
        for (var observer : observers) {
            observer.changed(h, asset, event);
        }
    }

    private static String json(Object value) {
        return value == null ? null : Json.write(value);
    }

    private static Asset map(ResultSet rs, StatementContext ctx) throws SQLException {
        var status = new Asset.AssetStatus(
                Asset.Phase.fromWire(rs.getString("phase")),
                rs.getLong("updated_at"),
                rs.getObject("progress") == null ? null : rs.getDouble("progress"),
                rs.getString("error_message"));
        return new Asset(
                rs.getString("id"),
                rs.getString("playback_id"),
                rs.getString("user_id"),
                rs.getBoolean("static_mp4"),
                null,
                null,
                Json.tree(rs.getString("playback_policy")),
                Json.read(rs.getString("source"), Asset.AssetSource.class),
                read(rs.getString("creator_id"), Asset.CreatorId.class),
                read(rs.getString("profiles"), PROFILES),
                status,
                rs.getString("name"),
                rs.getString("project_id"),
                rs.getLong("created_at"),
                rs.getString("created_by_token_name"),
                rs.getObject("size") == null ? null : rs.getLong("size"),
                read(rs.getString("hash"), HASHES),
                Json.tree(rs.getString("video_spec")),
                read(rs.getString("files"), FILES),
                rs.getString("task_id"),
                rs.getObject("target_segment_secs") == null ? null : rs.getDouble("target_segment_secs"),
                Json.tree(rs.getString("storage")));
    }

    private static <T> T read(String json, Class<T> type) {
        return json == null ? null : Json.read(json, type);
    }

    private static <T> T read(String json, TypeReference<T> type) {
        return json == null ? null : Json.read(json, type);
    }
}
