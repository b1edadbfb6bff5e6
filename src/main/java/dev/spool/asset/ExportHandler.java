package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.config.Config;
import dev.spool.ipfs.IpfsBackend;
import dev.spool.ipfs.IpfsBackends;
import dev.spool.ipfs.IpfsPins;
import dev.spool.ipfs.NftMetadata;
import dev.spool.ipfs.PinataBackend;
import dev.spool.json.Json;
import dev.spool.mediajob.Failures;
import dev.spool.storage.AddressGuard;
import dev.spool.storage.DestinationException;
import dev.spool.storage.HttpUpload;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.StorageException;
import dev.spool.task.Task;
import dev.spool.task.TaskParams;
import dev.spool.task.TaskType;
import dev.spool.task.engine.TaskContext;
import dev.spool.task.engine.TaskFailure;
import dev.spool.task.engine.TaskHandler;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The {@code export} task: the input asset's best file (its source, else its largest MP4) streamed from the object
 * store to the caller's URL, or pinned on IPFS with its NFT metadata. Nothing is held in memory or on disk.
 */
public final class ExportHandler implements TaskHandler {
    private final AssetRepository assets;
    private final ObjectStore store;
    private final IpfsBackends backends;
    private final HttpUpload custom;

    /** @param guard checks the callers' export URLs as imports are checked */
    public ExportHandler(AssetRepository assets, ObjectStore store, Config.Exports settings, AddressGuard guard) {
        this.assets = assets;
        this.store = store;
        this.backends = new IpfsBackends(settings.ipfsApiUrl(), settings.pinataApiUrl(), settings.timeout());
        this.custom = new HttpUpload(guard, settings.timeout());
    }

    @Override
    public TaskType type() {
        return TaskType.EXPORT;
    }

    @Override
    public JsonNode run(Task task, TaskContext context) throws TaskFailure, InterruptedException {
        var asset = assets.find(task.inputAssetId())
                .filter(a -> a.status().phase() == Asset.Phase.READY)
                .orElseThrow(() -> TaskFailure.unretriable(
                        "asset_not_ready", "the asset to export is no longer ready (deleted or reprocessed)"));
        var file = bestFile(asset);
        String key = asset.playbackId() + "/" + file.path();
        long size = file.size() != null
                ? file.size()
                : store.head(key)
                        .orElseThrow(() -> TaskFailure.unretriable(
                                "export_file_missing", "the asset's file " + key + " is missing"))
                        .size();
        var params = task.params().export();
        context.step(params.custom() != null ? "exporting" : "pinning");
        var output = Json.mapper().createObjectNode();
        var export = output.putObject("export");
        try (InputStream in = new Progress(store.get(key), size, context)) {
            if (params.custom() != null) {
                var target = params.custom();
                custom.export(URI.create(target.url()), target.method(), target.headers(), contentType(asset), in, size)
                        .requireOk("the export URL");
                export.putObject("internal").put("destType", "custom");
            } else {
                pin(params.ipfs(), asset, in, size, contentType(asset), export);
            }
        } catch (StorageException e) {
            throw Failures.storage(e, "reading " + key);
        } catch (DestinationException e) {
            throw Failures.of(e);
        } catch (IOException e) {
            throw TaskFailure.retriable("export_source_failed", "cannot read " + key + ": " + e.getMessage(), e);
        }
        context.checkCancelled();
        return output;
    }

    private void pin(
            TaskParams.Ipfs params, Asset asset, InputStream in, long size, String contentType, ObjectNode export)
            throws DestinationException {
        IpfsBackend backend = backends.choose(credentials(params.pinata()));
        var video = IpfsPins.pin(backend, "asset-" + asset.playbackId(), contentType, in, size);
        byte[] metadata = Json.write(NftMetadata.of(
                        params.nftMetadataTemplate(),
                        asset.name(),
                        asset.playbackId(),
                        video.cid(),
                        params.nftMetadata()))
                .getBytes(StandardCharsets.UTF_8);
        var nft = IpfsPins.pin(
                backend,
                "metadata-" + asset.playbackId(),
                "application/json",
                new ByteArrayInputStream(metadata),
                metadata.length);
        export.putObject("ipfs").put("videoFileCid", video.cid()).put("nftMetadataCid", nft.cid());
        var internal = export.putObject("internal");
        internal.put("destType", params.pinata() != null ? "ext-pinata" : "own-ipfs");
        internal.set("videoFile", video.answer());
        internal.set("nftMetadata", nft.answer());
    }

    /** The caller's Pinata credentials as the backend takes them, or null. */
    static PinataBackend.Credentials credentials(TaskParams.Pinata pinata) {
        return pinata == null ? null : new PinataBackend.Credentials(pinata.jwt(), pinata.apiKey(), pinata.apiSecret());
    }

    /** The source file, else the largest MP4. */
    private static Asset.AssetFile bestFile(Asset asset) throws TaskFailure {
        var files = asset.files() == null ? List.<Asset.AssetFile>of() : asset.files();
        return files.stream()
                .filter(f -> f.type().equals(Asset.AssetFile.SOURCE))
                .findFirst()
                .or(() -> files.stream()
                        .filter(f -> f.type().equals(Asset.AssetFile.MP4))
                        .max(Comparator.comparingLong(f -> f.size() == null ? 0 : f.size())))
                .orElseThrow(() -> TaskFailure.unretriable("nothing_to_export", "the asset has no file to export"));
    }

    private static String contentType(Asset asset) {
        String format = asset.videoSpec() == null
                ? ""
                : asset.videoSpec().path("format").asText("");
        String first = format.split(",")[0].trim().toLowerCase(Locale.ROOT);
        return first.isEmpty() || first.equals("mov") ? "video/mp4" : "video/" + first;
    }

    /** Reports the bytes read as the task's progress. */
    private static final class Progress extends FilterInputStream {
        private final long size;
        private final TaskContext context;
        private long read;

        Progress(InputStream in, long size, TaskContext context) {
            super(in);
            this.size = size;
            this.context = context;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                advance(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                advance(n);
            }
            return n;
        }

        private void advance(long n) {
            read += n;
            if (size > 0) {
                context.progress(Math.min(0.99, (double) read / size));
            }
        }
    }
}
