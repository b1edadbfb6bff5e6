package dev.spool.api;

import dev.spool.access.PlaybackGate;
import dev.spool.access.SigningKeys;
import dev.spool.access.UploadKey;
import dev.spool.account.Accounts;
import dev.spool.asset.AssetService;
import dev.spool.asset.ExportService;
import dev.spool.asset.PlaybackService;
import dev.spool.cluster.WorkerRegistry;
import dev.spool.crypto.SecretBox;
import dev.spool.db.Database;
import dev.spool.storage.ObjectStore;
import dev.spool.task.TaskRepository;
import dev.spool.task.TaskService;
import dev.spool.task.engine.TaskCommands;
import dev.spool.transcode.TranscodeService;
import dev.spool.upload.UploadStore;
import dev.spool.webhook.WebhookService;
import io.javalin.Javalin;
import io.javalin.http.RequestLogger;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;

/** The HTTP face of Spool: one Javalin app with every route, the JSON rules and the error mapping. */
public final class ApiServer {
    private final Javalin app;

    public record Services(
            Database database,
            Accounts accounts,
            TaskService tasks,
            TaskCommands engine,
            TaskRepository taskRepository,
            AssetService assets,
            PlaybackService playback,
            UploadStore uploads,
            ObjectStore objects,
            TranscodeService transcodes,
            WebhookService webhooks,
            SigningKeys signingKeys,
            PlaybackGate gate,
            UploadKey uploadKey,
            String publicUrl,
            Clock clock,
            RequestLogger requestLog,
            ExportService exports,
            SecretBox secrets) {}

    public ApiServer(Services services) {
        var auth = new Authentication(services.accounts(), services.database().notifications());
        var idempotency =
                new Idempotency(new IdempotencyKeys(services.database(), services.secrets()), auth, services.clock());
        var taskRoutes = new TaskRoutes(
                services.tasks(),
                services.engine(),
                services.taskRepository(),
                auth,
                idempotency,
                services.publicUrl());
        var health = new HealthRoutes(services.database(), new WorkerRegistry(services.database(), services.clock()));
        var assetRoutes = new AssetRoutes(
                services.assets(),
                services.playback(),
                services.uploads(),
                auth,
                idempotency,
                services.webhooks(),
                services.publicUrl());
        var clipRoutes = new ClipRoutes(services.assets(), auth, idempotency, services.publicUrl());
        var exportRoutes = new ExportRoutes(services.exports(), auth, idempotency);
        var uploadRoutes = new UploadRoutes(services.uploads(), services.publicUrl());
        var fileRoutes = new MediaFileRoutes(services.objects(), services.playback(), services.gate());
        var transcodeRoutes = new TranscodeRoutes(services.transcodes(), auth, idempotency);
        var webhookRoutes = new WebhookRoutes(services.webhooks(), auth, idempotency, services.publicUrl());
        var accessRoutes = new AccessRoutes(services.signingKeys(), services.uploadKey(), auth);
        var apiTokenRoutes = new ApiTokenRoutes(services.accounts(), auth);
        var userRoutes = new UserRoutes(services.accounts(), auth, services.publicUrl());
        byte[] openApi = loadOpenApi();
        this.app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.http.prefer405over404 = true;
            config.http.generateEtags = false;
            config.http.compressionStrategy = Compression.textOnly();
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JacksonJsonMapper());
            config.requestLogger.http(services.requestLog());
            ErrorMapping.register(config.routes);
            RequestLogContext.register(config.routes);
            config.routes.before(new PathEncoding(auth)::check);
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            health.register(config.routes);
            taskRoutes.register(config.routes);
            config.routes.get(
                    "/api/openapi.yaml",
                    ctx -> ctx.contentType("application/yaml").result(openApi));
            ApiDocs.register(config.routes);
            assetRoutes.register(config.routes);
            clipRoutes.register(config.routes);
            exportRoutes.register(config.routes);
            uploadRoutes.register(config.routes);
            fileRoutes.register(config.routes);
            transcodeRoutes.register(config.routes);
            webhookRoutes.register(config.routes);
            accessRoutes.register(config.routes);
            apiTokenRoutes.register(config.routes);
            userRoutes.register(config.routes);
            Dashboard.register(config.routes, services.publicUrl());
        });
    }

    public ApiServer start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    public void stop() {
        app.stop();
    }

    private static byte[] loadOpenApi() {
        try (InputStream in = ApiServer.class.getResourceAsStream("/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
