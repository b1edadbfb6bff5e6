package dev.spool.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every setting Spool reads, resolved once at start. Embedded defaults need no configuration at all:
 * SQLite and local files under {@code ./data}.
 */
public record Config(
        int port,
        Path dataDir,
        String databaseUrl,
        Duration databaseReadTimeout,
        OptionalInt databasePoolSize,
        Optional<String> storageUrl,
        String publicUrl,
        Optional<String> adminApiKey,
        int workers,
        Engine engine,
        Optional<String> ffmpeg,
        Optional<String> ffprobe,
        boolean importAllowPrivate,
        Optional<String> secretKey,
        Media media,
        Webhooks webhooks,
        OptionalInt metricsPort,
        Exports exports,
        Duration eventRetention,
        C2pa c2pa) {

    /**
     * How long a statement waits for PostgreSQL's answer before its connection is given up, unless
     * {@code SPOOL_DATABASE_READ_TIMEOUT} says otherwise. Spool's statements answer in milliseconds, and waits for
     * locks other transactions hold are far shorter than this.
     */
    public static final Duration DATABASE_READ_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The C2PA signing identity: a PEM certificate chain (signer first) and its PEM private key, both or neither;
     * with neither, Spool signs with a self-signed certificate it keeps in the data directory.
     */
    public record C2pa(Optional<Path> certificate, Optional<Path> key) {
        public C2pa {
            if (certificate.isPresent() != key.isPresent()) {
                throw new ConfigException("SPOOL_C2PA_CERT and SPOOL_C2PA_KEY go together: set both or neither");
            }
        }
    }

    /**
     * How media work is done: the x264 preset (Livepeer's quality targets assume medium), when inputs are split
     * into chunks encoded in parallel and how many at once, the largest input accepted, and the default ladder
     * ({@code spool} or {@code livepeer}).
     */
    public record Media(
            String preset, double chunkThresholdSeconds, int maxParallel, long maxInputBytes, String ladder) {}

    /**
     * Webhook delivery: failed attempts are retried after {@code retryBase}, doubling up to {@code retryCap}, until
     * the event is {@code retryWindow} old; each request may take {@code timeout}. Private addresses are refused
     * unless allowed.
     */
    public record Webhooks(
            Duration retryBase, Duration retryCap, Duration retryWindow, Duration timeout, boolean allowPrivate) {}

    /**
     * Where exports go besides the callers' own URLs: the operator's IPFS node (kubo RPC API), if any; Pinata's API
     * (the callers' accounts); the gateway IPFS URLs are shown through; how long one export request may take.
     */
    public record Exports(Optional<String> ipfsApiUrl, String pinataApiUrl, String ipfsGatewayUrl, Duration timeout) {}

    /** Task engine tunables; defaults follow Livepeer where Livepeer has one. */
    public record Engine(
            int maxRetries,
            Duration firstRetryDelay,
            Duration laterRetryDelay,
            Duration leaseDuration,
            Duration runTimeLimit,
            Duration pendingTimeout,
            int maxUnfinishedPerUser,
            int maxRunningPerUser,
            Duration shutdownGrace,
            Duration pollInterval) {

        public static Engine defaults() {
            return new Engine(
                    2,
                    Duration.ofSeconds(30),
                    Duration.ofMinutes(3),
                    Duration.ofSeconds(30),
                    Duration.ofHours(6),
                    Duration.ofHours(24),
                    100,
                    5,
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(1));
        }
    }

    public static Config fromEnv(Map<String, String> env) {
        var reader = new EnvReader(env);
        int port = reader.integer("SPOOL_PORT", 8080);
        Path dataDir = Path.of(reader.string("SPOOL_DATA_DIR", "./data"))
                .toAbsolutePath()
                .normalize();
        String databaseUrl = reader.string("SPOOL_DATABASE_URL", "jdbc:sqlite:" + dataDir.resolve("spool.db"));
        String publicUrl = stripTrailingSlash(reader.string("SPOOL_PUBLIC_URL", "http://localhost:" + port));
        int defaultWorkers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        var defaults = Engine.defaults();
        var engine = new Engine(
                reader.integer("SPOOL_TASK_MAX_RETRIES", defaults.maxRetries()),
                reader.duration("SPOOL_TASK_FIRST_RETRY_DELAY", defaults.firstRetryDelay()),
                reader.duration("SPOOL_TASK_RETRY_DELAY", defaults.laterRetryDelay()),
                reader.duration("SPOOL_TASK_LEASE", defaults.leaseDuration()),
                reader.duration("SPOOL_TASK_RUN_TIME_LIMIT", defaults.runTimeLimit()),
                reader.duration("SPOOL_TASK_PENDING_TIMEOUT", defaults.pendingTimeout()),
                reader.integer("SPOOL_MAX_UNFINISHED_TASKS_PER_USER", defaults.maxUnfinishedPerUser()),
                reader.integer("SPOOL_MAX_RUNNING_TASKS_PER_USER", defaults.maxRunningPerUser()),
                reader.duration("SPOOL_SHUTDOWN_GRACE", defaults.shutdownGrace()),
                reader.duration("SPOOL_POLL_INTERVAL", defaults.pollInterval()));
        boolean importAllowPrivate = Boolean.parseBoolean(reader.string("SPOOL_IMPORT_ALLOW_PRIVATE", "false"));
        // Read by the logging configuration (logback.xml) before this; checked here so a typo is not silence.
        String logFormat = reader.string("SPOOL_LOG_FORMAT", "text");
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            throw new ConfigException("SPOOL_LOG_FORMAT must be text or json, got '" + logFormat + "'");
        }
        // Unset: no metrics listener at all; 0 picks a free port (tests).
        OptionalInt metricsPort = reader.optional("SPOOL_METRICS_PORT").isPresent()
                ? OptionalInt.of(reader.integer("SPOOL_METRICS_PORT", 0))
                : OptionalInt.empty();
        if (metricsPort.isPresent() && (metricsPort.getAsInt() < 0 || metricsPort.getAsInt() > 65535)) {
            throw new ConfigException(
                    "SPOOL_METRICS_PORT must be a port number (0-65535), got " + metricsPort.getAsInt());
        }
        var databaseReadTimeout = reader.duration("SPOOL_DATABASE_READ_TIMEOUT", DATABASE_READ_TIMEOUT);
        if (databaseReadTimeout.toSeconds() < 1) {
            throw new ConfigException(
                    "SPOOL_DATABASE_READ_TIMEOUT must be at least 1s, got " + databaseReadTimeout.toMillis() + " ms");
        }
        // Unset: the store's own default (16 connections on PostgreSQL, 8 on SQLite).
        OptionalInt databasePoolSize =
                reader.optional("SPOOL_DATABASE_POOL_SIZE").isPresent()
                        ? OptionalInt.of(reader.integer("SPOOL_DATABASE_POOL_SIZE", 0))
                        : OptionalInt.empty();
        if (databasePoolSize.isPresent() && (databasePoolSize.getAsInt() < 2 || databasePoolSize.getAsInt() > 1000)) {
            throw new ConfigException(
                    "SPOOL_DATABASE_POOL_SIZE must be 2 to 1000 connections, got " + databasePoolSize.getAsInt());
        }
        return new Config(
                port,
                dataDir,
                databaseUrl,
                databaseReadTimeout,
                databasePoolSize,
                reader.optional("SPOOL_STORAGE_URL"),
                publicUrl,
                reader.optional("SPOOL_ADMIN_API_KEY"),
                reader.integer("SPOOL_WORKERS", defaultWorkers),
                engine,
                reader.optional("SPOOL_FFMPEG"),
                reader.optional("SPOOL_FFPROBE"),
                importAllowPrivate,
                reader.optional("SPOOL_SECRET_KEY"),
                new Media(
                        reader.string("SPOOL_X264_PRESET", "medium"),
                        reader.integer("SPOOL_CHUNK_THRESHOLD_SECONDS", 120),
                        reader.integer(
                                "SPOOL_CHUNK_PARALLEL",
                                Math.max(1, Runtime.getRuntime().availableProcessors())),
                        reader.longInteger("SPOOL_MAX_INPUT_BYTES", 30L << 30),
                        reader.string("SPOOL_LADDER", "spool")),
                new Webhooks(
                        reader.duration("SPOOL_WEBHOOK_RETRY_BASE", Duration.ofSeconds(5)),
                        reader.duration("SPOOL_WEBHOOK_RETRY_CAP", Duration.ofHours(1)),
                        reader.duration("SPOOL_WEBHOOK_RETRY_WINDOW", Duration.ofHours(24)),
                        reader.duration("SPOOL_WEBHOOK_TIMEOUT", Duration.ofSeconds(10)),
                        Boolean.parseBoolean(
                                reader.string("SPOOL_WEBHOOK_ALLOW_PRIVATE", Boolean.toString(importAllowPrivate)))),
                metricsPort,
                new Exports(
                        reader.optional("SPOOL_IPFS_API_URL").map(Config::stripTrailingSlash),
                        stripTrailingSlash(reader.string("SPOOL_PINATA_API_URL", "https://api.pinata.cloud")),
                        withTrailingSlash(reader.string("SPOOL_IPFS_GATEWAY_URL", "https://ipfs.io/ipfs/")),
                        reader.duration("SPOOL_EXPORT_TIMEOUT", Duration.ofMinutes(30))),
                reader.duration("SPOOL_EVENT_RETENTION", Duration.ofDays(7)),
                new C2pa(
                        reader.optional("SPOOL_C2PA_CERT").map(Path::of),
                        reader.optional("SPOOL_C2PA_KEY").map(Path::of)));
    }

    private static String withTrailingSlash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
