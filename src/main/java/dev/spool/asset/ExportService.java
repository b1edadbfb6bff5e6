package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.account.Principal;
import dev.spool.error.SpoolException;
import dev.spool.task.CreateTask;
import dev.spool.task.Task;
import dev.spool.task.TaskParams;
import dev.spool.task.TaskService;
import dev.spool.task.TaskType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Exports: {@code POST /asset/{id}/export} checks where a ready asset should go and queues the {@code export} task
 * that sends it there; {@code POST /data/export} does the same for a JSON document ({@code export-data}). An IPFS
 * export needs a backend: the caller's Pinata credentials, or this server's IPFS node.
 */
public final class ExportService {
    private static final Pattern METHOD = Pattern.compile("[A-Za-z]{1,20}");
    private static final Pattern NAME_PART = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Set<String> TEMPLATES = Set.of("file", "player");
    /** Headers the HTTP client sets itself; a caller's value would be ignored or refused. */
    private static final Set<String> RESERVED_HEADERS =
            Set.of("content-length", "host", "connection", "expect", "upgrade", "transfer-encoding");

    private final AssetRepository assets;
    private final TaskService tasks;
    private final boolean ipfsNode;

    /** @param ipfsNode whether this server has an IPFS node to pin into (SPOOL_IPFS_API_URL) */
    public ExportService(AssetRepository assets, TaskService tasks, boolean ipfsNode) {
        this.assets = assets;
        this.tasks = tasks;
        this.ipfsNode = ipfsNode;
    }

    public Task export(Principal caller, String assetId, TaskParams.Export request) {
        var asset = assets.find(assetId)
                .filter(a -> !AssetRepository.isGone(a))
                .filter(a -> caller.canSee(a.userId(), a.projectId()))
                .orElseThrow(() -> new SpoolException(
                        SpoolException.Kind.NOT_FOUND, "not_found", "asset not found with id " + assetId));
        if (asset.status().phase() != Asset.Phase.READY) {
            throw new SpoolException(
                    SpoolException.Kind.PRECONDITION_FAILED,
                    "asset_not_ready",
                    "asset is not ready to be exported (it is "
                            + asset.status().phase().wire() + ")");
        }
        validate(request);
        var params = new TaskParams(null, request, null, null, null);
        return tasks.create(caller, new CreateTask(TaskType.EXPORT, params, asset.id(), null, null, null, false))
                .viewFor(caller.admin());
    }

    /**
     * {@code PATCH /asset/{id}} with {@code storage.ipfs}: queues the export that copies the asset to this server's
     * IPFS node with the given spec, in the caller's transaction, and records it in {@code storage.status}. The same
     * spec again changes nothing; removing the copy is refused.
     */
    void copyToIpfs(Handle h, Principal caller, Asset asset, JsonNode storage, long now) {
        if (!storage.isObject() || storage.size() != 1 || !storage.has("ipfs")) {
            throw SpoolException.invalid("storage", "only storage.ipfs can be set: true, or {\"spec\": {...}}");
        }
        JsonNode spec = IpfsCopy.requestedSpec(storage);
        if (spec == null) {
            if (IpfsCopy.hasCopy(asset.storage())) {
                throw SpoolException.badRequest("ipfs_remove", "Cannot remove asset from IPFS");
            }
            return;
        }
        if (!spec.isObject()) {
            throw SpoolException.invalid("storage.ipfs.spec", "must be an object: {nftMetadataTemplate, nftMetadata}");
        }
        if (asset.status().phase() != Asset.Phase.READY) {
            throw new SpoolException(SpoolException.Kind.INVALID, "asset_not_ready", "asset is not ready");
        }
        if (IpfsCopy.hasCopy(asset.storage())
                && spec.equals(asset.storage().path("ipfs").path("spec"))
                && !asset.storage().path("status").path("tasks").has("pending")) {
            return;
        }
        var params = IpfsCopy.params(spec);
        validateIpfs(params, ipfsNode);
        var task = tasks.create(
                h,
                asset.userId(),
                asset.projectId(),
                new CreateTask(
                        TaskType.EXPORT,
                        new TaskParams(null, new TaskParams.Export(null, params), null, null, null),
                        asset.id(),
                        null,
                        null,
                        null,
                        false));
        assets.updateStorage(h, asset.id(), IpfsCopy.requested(asset.storage(), spec, task.id()), now);
    }

    /**
     * {@code POST /data/export}: a JSON document ({@code content}, named by {@code type} and {@code id}) pinned on IPFS
     * or sent to a URL, as an {@code export-data} task.
     */
    public Task exportData(Principal caller, TaskParams.ExportData request) {
        if (request == null || request.content() == null || !request.content().isObject()) {
            throw SpoolException.invalid("content", "is required: the JSON object to export");
        }
        String nullAt = firstNull(request.content(), "content");
        if (nullAt != null) {
            throw SpoolException.invalid(nullAt, "is null; Spool never writes JSON nulls, leave the key out instead");
        }
        for (var field : new String[][] {{"type", request.type()}, {"id", request.id()}}) {
            if (field[1] == null
                    || field[1].isBlank()
                    || !NAME_PART.matcher(field[1]).matches()) {
                throw SpoolException.invalid(
                        field[0],
                        "is required: 1-100 letters, digits, '.', '_' or '-', it "
                                + "names the exported file <type>-<id>");
            }
        }
        validate(request.custom(), request.ipfs());
        var params = new TaskParams(null, null, request, null, null);
        return tasks.create(caller, new CreateTask(TaskType.EXPORT_DATA, params, null, null, null, null, false))
                .viewFor(caller.admin());
    }

    /** The path of the first null inside {@code node}, or null when there is none. */
    private static String firstNull(JsonNode node, String path) {
        if (node.isNull()) {
            return path;
        }
        var names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            String found = firstNull(node.get(name), path + "." + name);
            if (found != null) {
                return found;
            }
        }
        for (int i = 0; node.isArray() && i < node.size(); i++) {
            String found = firstNull(node.get(i), path + "[" + i + "]");
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** Exactly one destination, each complete; an IPFS one with a backend that can take it. */
    void validate(TaskParams.Export request) {
        if (request == null) {
            throw SpoolException.invalid("custom", "give exactly one of custom ({url, method, headers}) or ipfs");
        }
        validate(request.custom(), request.ipfs());
    }

    private void validate(TaskParams.Custom custom, TaskParams.Ipfs ipfs) {
        if ((custom == null) == (ipfs == null)) {
            throw SpoolException.invalid("custom", "give exactly one of custom ({url, method, headers}) or ipfs");
        }
        if (custom != null) {
            validateCustom(custom);
        } else {
            validateIpfs(ipfs, ipfsNode);
        }
    }

    private static void validateCustom(TaskParams.Custom custom) {
        try {
            var uri = new URI(custom.url() == null ? "" : custom.url());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw SpoolException.invalid("custom.url", "is required: the http(s) URL to send the file to");
            }
        } catch (URISyntaxException e) {
            throw SpoolException.invalid("custom.url", "is not a URL: " + e.getReason());
        }
        if (custom.method() != null && !METHOD.matcher(custom.method()).matches()) {
            throw SpoolException.invalid("custom.method", "must be an HTTP method such as PUT or POST");
        }
        if (custom.headers() != null) {
            for (String name : custom.headers().keySet()) {
                if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    throw SpoolException.invalid("custom.headers", name + " is set by Spool and cannot be given");
                }
            }
        }
    }

    private static void validateIpfs(TaskParams.Ipfs ipfs, boolean ipfsNode) {
        if (ipfs.nftMetadataTemplate() != null && !TEMPLATES.contains(ipfs.nftMetadataTemplate())) {
            throw SpoolException.invalid("ipfs.nftMetadataTemplate", "must be file or player");
        }
        if (ipfs.nftMetadata() != null && !ipfs.nftMetadata().isObject()) {
            throw SpoolException.invalid("ipfs.nftMetadata", "must be a JSON object");
        }
        var pinata = ipfs.pinata();
        if (pinata != null) {
            boolean jwt = pinata.jwt() != null && !pinata.jwt().isBlank();
            boolean key = pinata.apiKey() != null
                    && !pinata.apiKey().isBlank()
                    && pinata.apiSecret() != null
                    && !pinata.apiSecret().isBlank();
            if (!jwt && !key) {
                throw SpoolException.invalid("ipfs.pinata", "needs jwt, or apiKey and apiSecret");
            }
        } else if (!ipfsNode) {
            throw new SpoolException(
                    SpoolException.Kind.INVALID,
                    "ipfs_unavailable",
                    "ipfs: this server has no IPFS "
                            + "node to pin into (its operator sets SPOOL_IPFS_API_URL); give ipfs.pinata credentials to pin "
                            + "into your own Pinata account");
        }
    }
}
