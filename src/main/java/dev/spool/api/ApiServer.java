package dev.spool.api;

import dev.spool.access.PlaybackGate;
import dev.spool.access.SigningKeys;
import dev.spool.access.UploadKey;
import dev.spool.account.Accounts;
import dev.spool.db.Database;
import dev.spool.asset.AssetService;
import dev.spool.asset.PlaybackService;
import dev.spool.storage.ObjectStore;
import dev.spool.task.TaskRepository;
import dev.spool.task.TaskService;
import dev.spool.task.engine.TaskCommands;
import dev.spool.transcode.TranscodeService;
import dev.spool.upload.UploadStore;
import dev.spool.webhook.WebhookService;
import io.javalin.Javalin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;

/** The HTTP face of Spool: one Javalin app with every route, the JSON rules and the error mapping. */
public final class ApiServer {
    private final Javalin app;

    public record Services(Database database, Accounts accounts, TaskService tasks, TaskCommands engine,
                           TaskRepository taskRepository, AssetService assets, PlaybackService playback,
                           UploadStore uploads, ObjectStore objects, TranscodeService transcodes,
                           WebhookService webhooks, SigningKeys signingKeys, PlaybackGate gate, UploadKey uploadKey,
                           String publicUrl,
                           Clock clock) {
    }

    public ApiServer(Services services) {
        var auth = new Authentication(services.accounts(), services.clock());
        var taskRoutes = new TaskRoutes(services.tasks(), services.engine(), services.taskRepository(), auth,
                services.publicUrl());
        var health = new HealthRoutes(services.database());
        var assetRoutes = new AssetRoutes(services.assets(), services.playback(), services.uploads(), auth,
                services.webhooks(), services.publicUrl());
        var uploadRoutes = new UploadRoutes(services.uploads(), services.publicUrl());
        var fileRoutes = new MediaFileRoutes(services.objects(), services.playback(), services.gate());
        var transcodeRoutes = new TranscodeRoutes(services.transcodes(), auth);
        var webhookRoutes = new WebhookRoutes(services.webhooks(), auth, services.publicUrl());
        var accessRoutes = new AccessRoutes(services.signingKeys(), services.uploadKey(), auth);
        byte[] openApi = loadOpenApi();
        this.app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.http.prefer405over404 = true;
            config.http.generateEtags = false;
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JacksonJsonMapper());
            ErrorMapping.register(config.routes);
            health.register(config.routes);
            taskRoutes.register(config.routes);
            config.routes.get("/api/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi));
            assetRoutes.register(config.routes);
            uploadRoutes.register(config.routes);
            fileRoutes.register(config.routes);
            transcodeRoutes.register(config.routes);
            webhookRoutes.register(config.routes);
            accessRoutes.register(config.routes);
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
