package dev.spool.cli;

import dev.spool.access.PlaybackGate;
import dev.spool.access.SigningKeys;
import dev.spool.access.UploadDecryption;
import dev.spool.access.UploadKey;
import dev.spool.account.Accounts;
import dev.spool.account.AdminBootstrap;
import dev.spool.api.ApiServer;
import dev.spool.asset.AssetCleanup;
import dev.spool.asset.AssetRepository;
import dev.spool.asset.AssetService;
import dev.spool.asset.AssetStorageObserver;
import dev.spool.asset.AssetTaskObserver;
import dev.spool.asset.AssetUrls;
import dev.spool.asset.ClipHandler;
import dev.spool.asset.DataExportHandler;
import dev.spool.asset.ExportHandler;
import dev.spool.asset.ExportService;
import dev.spool.asset.PlaybackService;
import dev.spool.asset.UploadHandler;
import dev.spool.c2pa.Mp4Signer;
import dev.spool.c2pa.SigningIdentity;
import dev.spool.cluster.LiveWorkerTypes;
import dev.spool.cluster.SharedSettings;
import dev.spool.cluster.WorkerInfo;
import dev.spool.cluster.WorkerPresence;
import dev.spool.cluster.WorkerRegistry;
import dev.spool.concurrent.WakeUp;
import dev.spool.config.Config;
import dev.spool.config.ConfigException;
import dev.spool.crypto.ServerKey;
import dev.spool.db.Database;
import dev.spool.db.Dialect;
import dev.spool.db.Retention;
import dev.spool.media.ChunkEncoder;
import dev.spool.media.FfmpegBinaries;
import dev.spool.media.Fmp4Packager;
import dev.spool.media.Ladder;
import dev.spool.media.LeftoverWork;
import dev.spool.media.MediaException;
import dev.spool.media.MediaPipeline;
import dev.spool.mediajob.ChunkLeftovers;
import dev.spool.mediajob.EncodeChunkHandler;
import dev.spool.mediajob.MediaJobs;
import dev.spool.metrics.EncodeMetrics;
import dev.spool.metrics.HttpMetrics;
import dev.spool.metrics.Metrics;
import dev.spool.metrics.MetricsServer;
import dev.spool.metrics.QueueDepths;
import dev.spool.metrics.TaskMetrics;
import dev.spool.metrics.WebhookMetrics;
import dev.spool.storage.AddressGuard;
import dev.spool.storage.FetchConfig;
import dev.spool.storage.ObjectStores;
import dev.spool.storage.SourceFetcher;
import dev.spool.task.CredentialErasure;
import dev.spool.task.QueueSignal;
import dev.spool.task.TaskRepository;
import dev.spool.task.TaskService;
import dev.spool.task.TaskType;
import dev.spool.task.engine.NotifiedQueueSignal;
import dev.spool.task.engine.TaskEngine;
import dev.spool.task.engine.TaskHandler;
import dev.spool.task.engine.Worker;
import dev.spool.transcode.TranscodeFileHandler;
import dev.spool.transcode.TranscodeService;
import dev.spool.upload.UploadStore;
import dev.spool.webhook.Deliveries;
import dev.spool.webhook.WebhookDispatcher;
import dev.spool.webhook.WebhookLogs;
import dev.spool.webhook.WebhookPublisher;
import dev.spool.webhook.WebhookRepository;
import dev.spool.webhook.WebhookSender;
import dev.spool.webhook.WebhookService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires every part of Spool together, in one place, from a {@link Config}: {@code serve} (API plus in-process
 * workers) and {@code worker} (workers only) are two selections of the same parts.
 */
public final class Server implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Server.class);
    /** How often a worker process looks for chunk files that stopped processes left (and at its start). */
    private static final Duration CHUNK_LEFTOVERS_EVERY = Duration.ofHours(1);

    private final Config config;
    private final Database database;
    private final Accounts accounts;
    private final TaskEngine engine;
    private final Optional<ApiServer> api;
    private final Optional<Worker> worker;
    private final Optional<MetricsServer> metricsServer;
    private final List<AutoCloseable> resources;
    private final Optional<DataDirLock> dataDirLock;

    private Server(
            Config config,
            Database database,
            Accounts accounts,
            TaskEngine engine,
            Optional<ApiServer> api,
            Optional<Worker> worker,
            Optional<MetricsServer> metricsServer,
            List<AutoCloseable> resources,
            Optional<DataDirLock> dataDirLock) {
        this.config = config;
        this.database = database;
        this.accounts = accounts;
        this.engine = engine;
        this.api = api;
        this.worker = worker;
        this.metricsServer = metricsServer;
        this.resources = resources;
        this.dataDirLock = dataDirLock;
    }

    /** {@code spool serve}: the API, plus {@code SPOOL_WORKERS} handlers in-process. */
    public static Server serve(Config config, List<TaskHandler> extraHandlers) {
        return start(config, extraHandlers, true, config.workers());
    }

    public static Server serve(Config config) {
        return serve(config, List.of());
    }

    /** {@code spool worker}: claims and runs tasks against the configured store; no HTTP. */
    public static Server worker(Config config, List<TaskHandler> extraHandlers) {
        if (Dialect.of(config.databaseUrl()).singleWriter()) {
            // The embedded store has one writer, the serving process, which runs its own workers.
            throw new ConfigException("spool worker needs PostgreSQL: set SPOOL_DATABASE_URL=jdbc:postgresql://... "
                    + "(with SQLite, 'spool serve' runs the workers itself)");
        }
        return start(config, extraHandlers, false, Math.max(1, config.workers()));
    }

    private static Server start(Config config, List<TaskHandler> extraHandlers, boolean withApi, int slots) {
        long started = System.nanoTime();
        var dataDirLock = lockDataDir(config);
        Database database;
        try {
            if (withApi) {
                PortCheck.ensureFree(config.port());
            }
            database = Database.open(config.databaseUrl(), config.databaseReadTimeout(), config.databasePoolSize());
            database.tellConnectionBudget();
        } catch (RuntimeException e) {
            dataDirLock.ifPresent(DataDirLock::close);
            throw e;
        }
        var clock = Clock.systemUTC();
        var resources = new ArrayList<AutoCloseable>();
        try {
            var metrics = new Metrics();
            resources.add(metrics);
            database.bindMetrics(metrics.registry());
            new QueueDepths(database, metrics.registry());
            // Bound before any worker starts, so a port in use stops the start with nothing running yet.
            Optional<MetricsServer> metricsServer = Optional.empty();
            if (config.metricsPort().isPresent()) {
                metricsServer = Optional.of(
                        MetricsServer.start(metrics, config.metricsPort().getAsInt()));
                resources.add(metricsServer.get());
                log.info(
                        "metrics for Prometheus at http://0.0.0.0:{}/metrics",
                        metricsServer.get().port());
            }
            var accounts = new Accounts(database, clock);
            var wakeUp = new WakeUp();
            QueueSignal signal = new NotifiedQueueSignal(wakeUp, database.notifications());
            var objects = ObjectStores.open(config.storageUrl().orElse(null), config.dataDir());
            resources.add(objects);
            log.info("object store: {}", objects.describe());
            var urls = new AssetUrls(config.publicUrl(), config.exports().ipfsGatewayUrl());
            var secrets = ServerKey.load(config.secretKey(), config.dataDir());
            new SharedSettings(database, clock)
                    .agree(objects, secrets, ServerKey.source(config.secretKey(), config.dataDir()));
            var uploadKey = UploadKey.load(database, secrets, clock);
            var webhookWakeUp = new WakeUp();
            var webhookRepository = new WebhookRepository(database, secrets);
            int sealed = webhookRepository.sealPlaintextSecrets();
            if (sealed > 0) {
                log.info("sealed {} webhook shared secrets stored in plaintext by an earlier version", sealed);
            }
            var deliveries = new Deliveries(database);
            var publisher = new WebhookPublisher(webhookRepository, deliveries, urls, webhookWakeUp, clock);
            var assetRepository = new AssetRepository(database, List.of(publisher));
            var taskRepository = new TaskRepository(
                    database,
                    List.of(
                            new AssetTaskObserver(assetRepository, clock),
                            new AssetStorageObserver(assetRepository, clock),
                            new CredentialErasure(),
                            publisher,
                            new TaskMetrics(metrics.registry())));
            var tasks = new TaskService(
                    taskRepository,
                    database,
                    signal,
                    config.engine(),
                    clock,
                    secrets,
                    config.exports().ipfsGatewayUrl(),
                    new LiveWorkerTypes(new WorkerRegistry(database, clock)));
            var engine = new TaskEngine(database, taskRepository, signal, config.engine(), clock);
            var exports = new ExportService(
                    assetRepository, tasks, config.exports().ipfsApiUrl().isPresent());
            var assets = new AssetService(assetRepository, tasks, engine.commands(), urls, exports, clock);
            var fetcher = new SourceFetcher(new FetchConfig(
                    config.importAllowPrivate(),
                    config.media().maxInputBytes(),
                    FetchConfig.DEFAULT_CONNECT_TIMEOUT,
                    FetchConfig.DEFAULT_READ_TIMEOUT,
                    FetchConfig.DEFAULT_MAX_REDIRECTS,
                    FetchConfig.DEFAULT_IPFS_GATEWAYS,
                    FetchConfig.DEFAULT_ARWEAVE_GATEWAYS));
            var webhookGuard = new AddressGuard(config.webhooks().allowPrivate());
            var sender = new WebhookSender(webhookGuard, config.webhooks().timeout(), clock);
            var webhookLogs = new WebhookLogs(database, webhookRepository);
            // Closed in this order: the dispatcher stops sending before its HTTP client goes.
            resources.add(new WebhookDispatcher(
                            deliveries,
                            webhookRepository,
                            webhookLogs,
                            sender,
                            webhookWakeUp,
                            config.webhooks(),
                            config.engine().pollInterval(),
                            clock,
                            new WebhookMetrics(metrics.registry()))
                    .start());
            resources.add(sender);
            Optional<Worker> worker = Optional.empty();
            if (slots > 0) {
                var handlers = new ArrayList<TaskHandler>();
                var ladder = Ladder.parse(config.media().ladder());
                var signer = new Mp4Signer(SigningIdentity.load(config.c2pa(), config.dataDir()));
                ffmpeg(config).ifPresent(binaries -> {
                    LeftoverWork.reap(
                            config.dataDir().resolve("work"),
                            binaries,
                            config.engine().leaseDuration().multipliedBy(2),
                            clock);
                    resources.add(new ChunkLeftovers(
                                    objects,
                                    id -> taskRepository
                                            .find(id)
                                            .map(task -> !task.status().phase().terminal())
                                            .orElse(false))
                            .start(CHUNK_LEFTOVERS_EVERY));
                    var pipeline = new MediaPipeline(binaries, new EncodeMetrics(metrics.registry()), ladder);
                    var jobs = new MediaJobs(
                            pipeline,
                            new Fmp4Packager(binaries),
                            fetcher,
                            config.media(),
                            config.dataDir().resolve("work"),
                            signer,
                            objects);
                    handlers.add(new UploadHandler(assetRepository, objects, jobs, new UploadDecryption(uploadKey)));
                    handlers.add(new ClipHandler(assetRepository, objects, jobs));
                    handlers.add(
                            new TranscodeFileHandler(secrets, new AddressGuard(config.importAllowPrivate()), jobs));
                    handlers.add(new EncodeChunkHandler(objects, new ChunkEncoder(binaries), jobs));
                });
                handlers.add(new ExportHandler(
                        assetRepository, objects, config.exports(), new AddressGuard(config.importAllowPrivate())));
                handlers.add(new DataExportHandler(config.exports(), new AddressGuard(config.importAllowPrivate())));
                // an extra handler (a test's scripted one) replaces the built-in handler of its type
                var replaced = extraHandlers.stream().map(TaskHandler::type).collect(Collectors.toSet());
                handlers.removeIf(h -> replaced.contains(h.type()));
                handlers.addAll(extraHandlers);
                var running = new Worker(engine, handlers, wakeUp, slots, config.engine()).start();
                worker = Optional.of(running);
                resources.add(new WorkerPresence(
                                new WorkerRegistry(database, clock),
                                WorkerInfo.thisProcess(
                                        running.id(),
                                        handlers.stream()
                                                .map(h -> h.type().wire())
                                                .sorted()
                                                .toList(),
                                        clock.millis()))
                        .start());
            }
            Optional<ApiServer> api = Optional.empty();
            if (withApi) {
                new AdminBootstrap(accounts, config.dataDir()).ensureAdmin(config.adminApiKey());
                var uploads = new UploadStore(
                        database,
                        assetRepository,
                        assets,
                        objects,
                        config.dataDir().resolve("uploads"),
                        config.media().maxInputBytes(),
                        clock);
                var signingKeys = new SigningKeys(database, clock);
                var webhooks =
                        new WebhookService(webhookRepository, webhookLogs, deliveries, sender, webhookGuard, clock);
                resources.add(new AssetCleanup(assetRepository, objects, clock).start(Duration.ofSeconds(2)));
                resources.add(new Retention(database, config.eventRetention(), clock).start());
                api = Optional.of(new ApiServer(new ApiServer.Services(
                                database,
                                accounts,
                                tasks,
                                engine.commands(),
                                taskRepository,
                                assets,
                                new PlaybackService(assetRepository, urls),
                                uploads,
                                objects,
                                new TranscodeService(tasks),
                                webhooks,
                                signingKeys,
                                new PlaybackGate(signingKeys, webhooks, clock),
                                uploadKey,
                                config.publicUrl(),
                                clock,
                                new HttpMetrics(metrics.registry()),
                                exports,
                                secrets))
                        .start("0.0.0.0", config.port()));
                log.info(
                        "Spool is listening on port {} (public URL {}) after {} ms",
                        api.get().port(),
                        config.publicUrl(),
                        (System.nanoTime() - started) / 1_000_000);
            }
            return new Server(config, database, accounts, engine, api, worker, metricsServer, resources, dataDirLock);
        } catch (RuntimeException e) {
            closeAll(resources);
            database.close();
            dataDirLock.ifPresent(DataDirLock::close);
            throw e;
        }
    }

    /**
     * The ffmpeg to run; none when it cannot run, and then this process runs no media tasks (every production
     * handler needs ffmpeg) and says why, while other processes of the cluster may still run them.
     */
    private static Optional<FfmpegBinaries> ffmpeg(Config config) {
        try {
            return Optional.of(FfmpegBinaries.locate(
                    config.ffmpeg(), config.ffprobe(), config.dataDir().resolve("cache")));
        } catch (MediaException e) {
            log.warn(
                    "ffmpeg cannot run, so this process claims no {}, {} or {} tasks: {}",
                    TaskType.UPLOAD.wire(),
                    TaskType.CLIP.wire(),
                    TaskType.TRANSCODE_FILE.wire(),
                    e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while starting ffmpeg");
        }
    }

    /** The embedded store has one writer: its data directory is locked for this process. */
    private static Optional<DataDirLock> lockDataDir(Config config) {
        if (Dialect.of(config.databaseUrl()).singleWriter()) {
            return Optional.of(DataDirLock.acquire(config.dataDir()));
        }
        DataDirLock.create(config.dataDir());
        return Optional.empty();
    }

    public int port() {
        return api.orElseThrow(() -> new IllegalStateException("this process serves no API"))
                .port();
    }

    /** The port of {@code /metrics}, when SPOOL_METRICS_PORT turned it on. */
    public int metricsPort() {
        return metricsServer
                .orElseThrow(() -> new IllegalStateException("metrics are off (SPOOL_METRICS_PORT)"))
                .port();
    }

    public Accounts accounts() {
        return accounts;
    }

    public Database database() {
        return database;
    }

    public TaskEngine engine() {
        return engine;
    }

    /** Stops taking work, lets running tasks finish within the grace period, releases the rest, then stops. */
    @Override
    public void close() {
        worker.ifPresent(w -> w.shutdown(config.engine().shutdownGrace()));
        api.ifPresent(ApiServer::stop);
        closeAll(resources);
        database.close();
        dataDirLock.ifPresent(DataDirLock::close);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (var resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", resource.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
