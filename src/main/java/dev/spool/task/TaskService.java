package dev.spool.task;

import dev.spool.account.Principal;
import dev.spool.config.Config;
import dev.spool.crypto.SecretBox;
import dev.spool.db.Database;
import dev.spool.db.Dialect;
import dev.spool.db.ListQuery;
import dev.spool.db.PageQuery;
import dev.spool.error.SpoolException;
import dev.spool.storage.SourceUrls;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** Creates tasks within the per-user limits and reads them back for their owners. */
public final class TaskService {
    private final TaskRepository tasks;
    private final Dialect dialect;
    private final QueueSignal signal;
    private final Config.Engine limits;
    private final Clock clock;
    private final SecretBox secrets;
    private final String ipfsGateway;
    private final RunnableTypes runnable;

    /** @param ipfsGateway the gateway base (ending in {@code /ipfs/}) exported CIDs are shown through */
    public TaskService(
            TaskRepository tasks,
            Database database,
            QueueSignal signal,
            Config.Engine limits,
            Clock clock,
            SecretBox secrets,
            String ipfsGateway,
            RunnableTypes runnable) {
        this.tasks = tasks;
        this.runnable = runnable;
        this.ipfsGateway = ipfsGateway;
        this.secrets = secrets;
        this.dialect = database.dialect();
        this.signal = signal;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Creates a task for an owner, in the owner's transaction {@code h}: the caller may write related rows too.
     * Credentials in the params are stored sealed, never in clear.
     */
    public Task create(Handle h, String ownerId, String projectId, CreateTask request) {
        validate(request);
        runnable.whyNot(request.type()).ifPresent(reason -> {
            throw new SpoolException(SpoolException.Kind.INVALID, "no_worker", reason);
        });
        // The count and the insert serialised per owner, or two concurrent creates could both pass the limit.
        dialect.lockForTransaction(h, ownerId);
        int unfinished = h.createQuery("SELECT COUNT(*) FROM tasks WHERE user_id = :user "
                        + "AND phase IN ('pending', 'waiting', 'running') AND " + TaskRepository.PUBLIC)
                .bind("user", ownerId)
                .mapTo(Integer.class)
                .one();
        if (unfinished >= limits.maxUnfinishedPerUser()) {
            throw new SpoolException(
                    SpoolException.Kind.TOO_MANY,
                    "too_many_tasks",
                    "user " + ownerId + " has reached the maximum number of pending tasks ("
                            + limits.maxUnfinishedPerUser() + "); wait for some to finish",
                    Duration.ofSeconds(30));
        }
        long now = clock.millis();
        boolean pending = Boolean.TRUE.equals(request.pending());
        var status = new TaskStatus(
                pending ? TaskPhase.PENDING : TaskPhase.WAITING, now, null, null, pending ? null : 0, null);
        var task = new Task(
                UUID.randomUUID().toString(),
                request.type(),
                now,
                pending ? null : now,
                request.inputAssetId(),
                request.outputAssetId(),
                projectId,
                request.requesterId(),
                request.params().sealed(secrets),
                status,
                null,
                ownerId);
        tasks.insert(h, task);
        if (!pending) {
            tasks.record(h, task, TaskEvent.Kind.UPDATED, now);
            signal.queued(h);
        }
        return task;
    }

    /** Admin endpoint: creates a task for the caller or, for an admin naming one, another user. */
    public Task create(Principal caller, CreateTask request) {
        return tasks.jdbi().inTransaction(h -> {
            String owner = caller.userId();
            String project = caller.projectId();
            if (request.userId() != null && !request.userId().equals(caller.userId())) {
                owner = request.userId();
                project = h.createQuery("SELECT default_project_id FROM users WHERE id = :id")
                        .bind("id", owner)
                        .mapTo(String.class)
                        .findOne()
                        .orElseThrow(() -> SpoolException.invalid("userId", "no user with id " + request.userId()));
            }
            return create(h, owner, project, request);
        });
    }

    /** A task as its owner (same project) or an admin may see it; anyone else gets 404, never 403. */
    public Task get(Principal caller, String id) {
        return tasks.find(id)
                .filter(task -> caller.canSee(task.userId(), task.projectId()))
                .map(task -> task.viewFor(caller.admin()).withIpfsLinks(ipfsGateway))
                .orElseThrow(SpoolException::notFound);
    }

    public PageQuery.Page<Task> list(Principal caller, ListQuery query, boolean allUsers, boolean withCount) {
        boolean everyone = caller.admin() && allUsers;
        var page = tasks.list(
                everyone ? Optional.empty() : Optional.of(caller.userId()),
                everyone ? Optional.empty() : Optional.of(caller.projectId()),
                query,
                withCount);
        return page.map(t -> t.viewFor(caller.admin()).withIpfsLinks(ipfsGateway));
    }

    private static void validate(CreateTask request) {
        if (request.type() == null) {
            throw SpoolException.invalid("type", "is required (upload, export, export-data, transcode-file or clip)");
        }
        if (request.type().internal()) {
            // a long media task's own parts, spawned by the engine: never created from outside
            throw SpoolException.invalid("type", "must be one of upload, export, export-data, transcode-file or clip");
        }
        if (request.params() == null) {
            throw SpoolException.invalid(
                    "params", "is required, with the key '" + request.type().wire() + "'");
        }
        if (request.params().variantCount() != 1 || !request.params().matches(request.type())) {
            String key = request.type() == TaskType.EXPORT_DATA
                    ? "exportData"
                    : request.type().wire();
            throw SpoolException.invalid("params", "must hold exactly one key, '" + key + "', matching the task type");
        }
        if (request.params().upload() != null) {
            SourceUrls.require("params.upload.url", request.params().upload().url());
        }
        C2paSupport.refuseUnsigned(request.params());
    }
}
