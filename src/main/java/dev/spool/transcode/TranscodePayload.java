package dev.spool.transcode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.task.TaskParams;
import java.util.List;

/**
 * The body of {@code POST /api/transcode}, Livepeer's {@code transcode-payload}: where the input is, which storage
 * receives the outputs, and which outputs to write there. Unknown fields are refused.
 */
public record TranscodePayload(
        Input input,
        Storage storage,
        TaskParams.Outputs outputs,
        List<TaskParams.Profile> profiles,
        Double targetSegmentSizeSecs,
        JsonNode creatorId,
        Boolean c2pa) {

    /** Either {@code {url}} or an object in an S3-compatible store: {@code {type: "s3", endpoint, bucket, path, credentials}}. */
    public record Input(String url, String type, String endpoint, String bucket, String path, Keys credentials) {}

    /**
     * An S3-compatible bucket: {@code {type: "s3", endpoint, bucket, credentials}}, or Spool's shorthand
     * {@code {url: "s3+https://KEY:SECRET@host/bucket[/prefix]"}}. Livepeer's {@code web3.storage} type is refused.
     */
    public record Storage(String type, String url, String endpoint, String bucket, Keys credentials) {}

    /** S3 access keys, or the web3.storage {@code proof} (accepted only to refuse it with a clear message). */
    public record Keys(String accessKeyId, String secretAccessKey, String proof) {}
}
