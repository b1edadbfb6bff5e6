package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.config.Config;
import dev.spool.ipfs.IpfsBackends;
import dev.spool.ipfs.IpfsPins;
import dev.spool.json.Json;
import dev.spool.mediajob.Failures;
import dev.spool.storage.AddressGuard;
import dev.spool.storage.DestinationException;
import dev.spool.storage.HttpUpload;
import dev.spool.task.Task;
import dev.spool.task.TaskType;
import dev.spool.task.engine.TaskContext;
import dev.spool.task.engine.TaskFailure;
import dev.spool.task.engine.TaskHandler;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The {@code export-data} task: a JSON document ({@code params.exportData.content}) pinned on IPFS as
 * {@code <type>-<id>}, or sent to the caller's URL. The bytes sent are the content as Spool writes JSON (compact,
 * keys in the given order), the same bytes each time.
 */
public final class DataExportHandler implements TaskHandler {
    private final IpfsBackends backends;
    private final HttpUpload custom;

    public DataExportHandler(Config.Exports settings, AddressGuard guard) {
        this.backends = new IpfsBackends(settings.ipfsApiUrl(), settings.pinataApiUrl(), settings.timeout());
        this.custom = new HttpUpload(guard, settings.timeout());
    }

    @Override
    public TaskType type() {
        return TaskType.EXPORT_DATA;
    }

    @Override
    public JsonNode run(Task task, TaskContext context) throws TaskFailure {
        var params = task.params().exportData();
        byte[] content = Json.write(params.content()).getBytes(StandardCharsets.UTF_8);
        var output = Json.mapper().createObjectNode();
        var exportData = output.putObject("exportData");
        try {
            if (params.custom() != null) {
                var target = params.custom();
                custom.export(
                                URI.create(target.url()),
                                target.method(),
                                target.headers(),
                                "application/json",
                                new ByteArrayInputStream(content),
                                content.length)
                        .requireOk("the export URL");
            } else {
                var backend =
                        backends.choose(ExportHandler.credentials(params.ipfs().pinata()));
                var pinned = IpfsPins.pin(
                        backend,
                        params.type() + "-" + params.id(),
                        "application/json",
                        new ByteArrayInputStream(content),
                        content.length);
                exportData.putObject("ipfs").put("cid", pinned.cid());
            }
        } catch (DestinationException e) {
            throw Failures.of(e);
        }
        context.progress(1);
        return output;
    }
}
