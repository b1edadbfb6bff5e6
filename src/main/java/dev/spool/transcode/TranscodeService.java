package dev.spool.transcode;

import dev.spool.account.Principal;
import dev.spool.asset.AssetValidation;
import dev.spool.error.FieldLimits;
import dev.spool.error.SpoolException;
import dev.spool.storage.ObjectKeys;
import dev.spool.storage.S3Location;
import dev.spool.storage.StorageException;
import dev.spool.task.CreateTask;
import dev.spool.task.Profiles;
import dev.spool.task.Task;
import dev.spool.task.TaskParams;
import dev.spool.task.TaskService;
import dev.spool.task.TaskType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code POST /api/transcode}: checks a {@link TranscodePayload} field by field and queues a {@code transcode-file}
 * task whose params are Livepeer's normal form: input and storage as URLs with the credentials URL-encoded in them,
 * output paths starting with {@code /}.
 */
public final class TranscodeService {
    private static final Set<String> INPUT_SCHEMES = Set.of("http", "https", "ipfs", "ar", "s3+http", "s3+https");
    private static final String STORAGE_FORMS = "Spool writes outputs to S3-compatible storage: "
            + "{\"type\": \"s3\", \"endpoint\", \"bucket\", \"credentials\": {\"accessKeyId\", \"secretAccessKey\"}} "
            + "or {\"url\": \"s3+https://KEY:SECRET@host/bucket\"}";

    private final TaskService tasks;

    public TranscodeService(TaskService tasks) {
        this.tasks = tasks;
    }

    /** The queued task, as the caller may see it (credentials masked). */
    public Task create(Principal caller, TranscodePayload payload) {
        var params = new TaskParams(null, null, null, normalise(payload), null);
        var request = new CreateTask(TaskType.TRANSCODE_FILE, params, null, null, null, null, null);
        return tasks.create(caller, request).viewFor(caller.admin());
    }

    static TaskParams.TranscodeFile normalise(TranscodePayload payload) {
        Profiles.validate("profiles", payload.profiles());
        var segment = payload.targetSegmentSizeSecs();
        if (segment != null && (segment <= 0 || segment > 20)) {
            throw SpoolException.invalid("targetSegmentSizeSecs", "must be more than 0 and at most 20 seconds");
        }
        AssetValidation.creatorId(payload.creatorId());
        return new TaskParams.TranscodeFile(
                new TaskParams.UrlRef(inputUrl(payload.input()), null),
                new TaskParams.UrlRef(storageUrl(payload.storage()), null),
                outputs(payload.outputs()),
                payload.profiles(),
                segment,
                payload.creatorId(),
                payload.c2pa());
    }

    private static String inputUrl(TranscodePayload.Input input) {
        if (input == null) {
            throw SpoolException.invalid(
                    "input",
                    "is required: {\"url\"} or {\"type\": \"s3\", \"endpoint\", "
                            + "\"bucket\", \"path\", \"credentials\"}");
        }
        if (input.url() != null) {
            if (input.type() != null
                    || input.endpoint() != null
                    || input.bucket() != null
                    || input.path() != null
                    || input.credentials() != null) {
                throw SpoolException.invalid(
                        "input",
                        "give either url alone or the S3 fields type, endpoint, " + "bucket, path and credentials");
            }
            return checkedInputUrl(input.url());
        }
        if (!"s3".equals(input.type())) {
            throw SpoolException.invalid(
                    input.type() == null ? "input.url" : "input.type",
                    input.type() == null
                            ? "is required (or give type \"s3\" with endpoint, bucket, path and credentials)"
                            : "must be \"s3\", or leave it out and give url");
        }
        required("input.path", input.path());
        return s3Url("input", input.endpoint(), input.bucket(), input.path(), input.credentials());
    }

    private static String checkedInputUrl(String url) {
        String scheme =
                url.contains("://") ? url.substring(0, url.indexOf("://")).toLowerCase(Locale.ROOT) : "";
        if (!INPUT_SCHEMES.contains(scheme)) {
            throw SpoolException.invalid(
                    "input.url", "must start with http://, https://, ipfs://, ar://, s3+http:// " + "or s3+https://");
        }
        if (scheme.startsWith("s3+")) {
            if (location("input.url", () -> S3Location.parse(url)).path().isEmpty()) {
                throw SpoolException.invalid(
                        "input.url", "must name an object: s3+https://KEY:SECRET@host/bucket/" + "path/to/video.mp4");
            }
            return url;
        }
        try {
            var uri = new URI(url);
            if (uri.getHost() == null && scheme.startsWith("http")) {
                throw SpoolException.invalid("input.url", "names no host");
            }
        } catch (URISyntaxException e) {
            throw SpoolException.invalid("input.url", "is not a valid URL (" + e.getReason() + ")");
        }
        return url;
    }

    private static String storageUrl(TranscodePayload.Storage storage) {
        if (storage == null) {
            throw SpoolException.invalid("storage", "is required; " + STORAGE_FORMS);
        }
        if (storage.type() != null && !storage.type().equals("s3")) {
            throw SpoolException.invalid("storage.type", "'" + storage.type() + "' is not supported; " + STORAGE_FORMS);
        }
        if (storage.url() != null) {
            if (storage.type() != null
                    || storage.endpoint() != null
                    || storage.bucket() != null
                    || storage.credentials() != null) {
                throw SpoolException.invalid(
                        "storage", "give either url alone or type, endpoint, bucket and " + "credentials");
            }
            location("storage.url", () -> S3Location.parse(storage.url()));
            return storage.url();
        }
        if (storage.type() == null) {
            throw SpoolException.invalid("storage.type", "is required; " + STORAGE_FORMS);
        }
        return s3Url("storage", storage.endpoint(), storage.bucket(), "", storage.credentials());
    }

    /** Livepeer's form: {@code s3+<scheme>://<key>:<secret>@<host[:port]>/<bucket>[/<path>]}, all URL-encoded. */
    private static String s3Url(String field, String endpoint, String bucket, String path, TranscodePayload.Keys keys) {
        required(field + ".endpoint", endpoint);
        if (!endpoint.toLowerCase(Locale.ROOT).matches("^https?://.+")) {
            throw SpoolException.invalid(
                    field + ".endpoint", "must be an http(s):// URL, e.g. https://s3.amazonaws.com");
        }
        required(field + ".bucket", bucket);
        if (keys == null) {
            throw SpoolException.invalid(field + ".credentials", "is required: {\"accessKeyId\", \"secretAccessKey\"}");
        }
        if (keys.proof() != null) {
            throw SpoolException.invalid(
                    field + ".credentials.proof",
                    "is only for web3.storage, which is not " + "supported; " + STORAGE_FORMS);
        }
        required(field + ".credentials.accessKeyId", keys.accessKeyId());
        required(field + ".credentials.secretAccessKey", keys.secretAccessKey());
        return location(field, () -> S3Location.of(endpoint, bucket, path, keys.accessKeyId(), keys.secretAccessKey()))
                .toUrl();
    }

    private static TaskParams.Outputs outputs(TaskParams.Outputs outputs) {
        if (outputs == null || outputs.hls() == null && outputs.mp4() == null && outputs.fmp4() == null) {
            throw SpoolException.invalid(
                    "outputs", "must ask for at least one of hls, mp4 and fmp4, each with a " + "path");
        }
        return new TaskParams.Outputs(
                path("outputs.hls", outputs.hls()),
                path("outputs.mp4", outputs.mp4()),
                path("outputs.fmp4", outputs.fmp4()));
    }

    /** The path with a leading {@code /} ({@code /} alone is the bucket's root), checked as an object key prefix. */
    private static TaskParams.PathRef path(String field, TaskParams.PathRef ref) {
        if (ref == null) {
            return null;
        }
        if (ref.path() == null) {
            throw SpoolException.invalid(field + ".path", "is required");
        }
        if (ref.path().isBlank()) {
            throw SpoolException.invalid(field + ".path", "must not be empty (\"/\" is the bucket's root)");
        }
        FieldLimits.check(field + ".path", ref.path(), FieldLimits.PATH);
        String path = ref.path().startsWith("/") ? ref.path() : "/" + ref.path();
        String key = new TaskParams.PathRef(path).prefix();
        if (!key.isEmpty()) {
            try {
                ObjectKeys.requireKey(key);
            } catch (StorageException e) {
                throw SpoolException.invalid(field + ".path", e.getMessage());
            }
        }
        return new TaskParams.PathRef(path);
    }

    private static void required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw SpoolException.invalid(field, "is required");
        }
    }

    /** Parses a location, turning a refusal into a 422 on {@code field}; the messages never carry credentials. */
    private static S3Location location(String field, Supplier<S3Location> parse) {
        try {
            return parse.get();
        } catch (StorageException e) {
            throw SpoolException.invalid(field, e.getMessage());
        }
    }
}
