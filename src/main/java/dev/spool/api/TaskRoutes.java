package dev.spool.api;

import dev.spool.task.CreateTask;
import dev.spool.task.TaskRepository;
import dev.spool.task.TaskService;
import dev.spool.task.engine.TaskCommands;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Set;

/** {@code /api/task}: read a task, list them, and the admin-only create. */
final class TaskRoutes {
    /** The parts of task params that are the client's own JSON, nulls included. */
    private static final Set<String> FREE_FORM = Set.of(
            "params.export.ipfs.nftMetadata.*", "params.exportData.content.*", "params.exportData.ipfs.nftMetadata.*");

    private final TaskService tasks;
    private final TaskCommands engine;
    private final TaskEventStream events;
    private final Authentication auth;
    private final Idempotency idempotency;
    private final String publicUrl;

    TaskRoutes(
            TaskService tasks,
            TaskCommands engine,
            TaskRepository repository,
            Authentication auth,
            Idempotency idempotency,
            String publicUrl) {
        this.idempotency = idempotency;
        this.tasks = tasks;
        this.engine = engine;
        this.events = new TaskEventStream(repository);
        this.auth = auth;
        this.publicUrl = publicUrl;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/task", this::list);
        routes.get("/api/task/{id}", this::get);
        routes.post("/api/task", idempotency.wrap(this::create));
        routes.post("/api/task/{id}/cancel", ctx -> ctx.json(engine.cancel(auth.require(ctx), ctx.pathParam("id"))));
        routes.post("/api/task/{id}/retry", ctx -> ctx.json(engine.retry(auth.require(ctx), ctx.pathParam("id"))));
        routes.get("/api/task/{id}/events", this::events);
    }

    private void events(Context ctx) throws java.io.IOException {
        var caller = auth.require(ctx);
        String id = tasks.get(caller, ctx.pathParam("id")).id();
        events.stream(ctx, id, () -> tasks.get(caller, id));
    }

    private void get(Context ctx) {
        var caller = auth.require(ctx);
        ctx.json(tasks.get(caller, ctx.pathParam("id")));
    }

    private void list(Context ctx) {
        var caller = auth.require(ctx);
        var query = ListRequest.parse(
                ctx, TaskRepository.FIELDS, TaskRepository.NUMERIC_FIELDS, TaskRepository.FULL_TEXT_FIELDS);
        var page = tasks.list(caller, query, ListRequest.allUsers(ctx), ListRequest.wantsCount(ctx));
        ListRequest.respond(ctx, query, page, publicUrl);
    }

    private void create(Context ctx) {
        var caller = auth.requireAdmin(ctx);
        var request = JsonBody.read(ctx, CreateTask.class, FREE_FORM);
        ctx.status(201).json(tasks.create(caller, request).viewFor(true));
    }
}
