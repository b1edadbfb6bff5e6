package dev.spool.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.spool.crypto.SecretBox;
import dev.spool.json.TextOrNumber;
import dev.spool.storage.ObjectKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The parameters of a task: exactly one variant, under the key that matches the task's type (Livepeer's shape,
 * including the hyphenated {@code transcode-file} key).
 */
public record TaskParams(
        Upload upload,
        Export export,
        ExportData exportData,
        @JsonProperty("transcode-file") TranscodeFile transcodeFile,
        Clip clip,
        @JsonProperty("encode-chunk") JsonNode encodeChunk) {

    /** A public task's parameters: every type but the internal {@code encode-chunk}. */
    public TaskParams(Upload upload, Export export, ExportData exportData, TranscodeFile transcodeFile, Clip clip) {
        this(upload, export, exportData, transcodeFile, clip, null);
    }

    /** An {@code encode-chunk} child task's parameters: what the media job that spawned it wrote. */
    public static TaskParams encodeChunk(JsonNode chunk) {
        return new TaskParams(null, null, null, null, null, chunk);
    }

    public record Upload(
            String url,
            Encryption encryption,
            Boolean c2pa,
            List<Profile> profiles,
            Double targetSegmentSizeSecs,
            Boolean thumbnails,
            String catalystPipelineStrategy) {}

    /** The encrypted AES key of an upload; never returned in clear. */
    public record Encryption(String encryptedKey) {
        /** The schema-generated example writes a bare string here; it is taken as the key itself. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static Encryption fromString(String encryptedKey) {
            return new Encryption(encryptedKey);
        }

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        static Encryption fromObject(@JsonProperty("encryptedKey") String encryptedKey) {
            return new Encryption(encryptedKey);
        }
    }

    /** One rendition as Livepeer's {@code transcode-profile}; {@code gop} is a string ("2", "intra"). */
    public record Profile(
            String name,
            Integer width,
            Integer height,
            Long bitrate,
            Integer quality,
            Integer fps,
            Integer fpsDen,
            @JsonDeserialize(using = TextOrNumber.class) String gop,
            String profile,
            String encoder) {}

    public record Export(Custom custom, Ipfs ipfs) {}

    public record Custom(String url, String method, Map<String, String> headers) {}

    public record Ipfs(String nftMetadataTemplate, JsonNode nftMetadata, Pinata pinata) {}

    /** A user's own Pinata account: {@code jwt} and {@code apiSecret} are secrets. */
    public record Pinata(String jwt, String apiKey, String apiSecret) {}

    public record ExportData(JsonNode content, Ipfs ipfs, Custom custom, String type, String id) {}

    public record TranscodeFile(
            UrlRef input,
            UrlRef storage,
            Outputs outputs,
            List<Profile> profiles,
            Double targetSegmentSizeSecs,
            JsonNode creatorId,
            Boolean c2pa) {}

    /**
     * A URL as stored: {@code url} in clear when it carries no credentials; otherwise {@code url} is its masked form
     * and {@code sealed} the whole URL encrypted with the server key, kept only while the task can still run.
     */
    public record UrlRef(String url, String sealed) {}

    public record Outputs(PathRef hls, PathRef mp4, PathRef fmp4) {}

    public record PathRef(String path) {
        /** The path as an object key prefix: without leading or trailing {@code /}, empty for the root. */
        public String prefix() {
            return ObjectKeys.trimSlashes(path);
        }
    }

    public record Clip(
            String url, ClipStrategy clipStrategy, String catalystPipelineStrategy, String sessionId, String inputId) {}

    public record ClipStrategy(Double startTime, Double endTime, String playbackId) {}

    /** How many variants are set; a valid task has exactly one, matching its type. */
    long variantCount() {
        return Stream.of(upload, export, exportData, transcodeFile, clip, encodeChunk)
                .filter(Objects::nonNull)
                .count();
    }

    boolean matches(TaskType type) {
        return switch (type) {
            case UPLOAD -> upload != null;
            case EXPORT -> export != null;
            case EXPORT_DATA -> exportData != null;
            case TRANSCODE_FILE -> transcodeFile != null;
            case CLIP -> clip != null;
            case ENCODE_CHUNK -> encodeChunk != null;
        };
    }

    /** A copy fit to leave the server: credentials in URLs masked, secrets replaced by {@code ***}. */
    TaskParams masked() {
        return new TaskParams(
                upload == null
                        ? null
                        : new Upload(
                                Credentials.maskUrl(upload.url()),
                                upload.encryption() == null ? null : new Encryption(Credentials.MASK),
                                upload.c2pa(),
                                upload.profiles(),
                                upload.targetSegmentSizeSecs(),
                                upload.thumbnails(),
                                upload.catalystPipelineStrategy()),
                export == null ? null : new Export(maskCustom(export.custom()), maskIpfs(export.ipfs())),
                exportData == null
                        ? null
                        : new ExportData(
                                exportData.content(),
                                maskIpfs(exportData.ipfs()),
                                maskCustom(exportData.custom()),
                                exportData.type(),
                                exportData.id()),
                maskTranscodeFile(transcodeFile),
                clip == null
                        ? null
                        : new Clip(
                                Credentials.maskUrl(clip.url()),
                                clip.clipStrategy(),
                                clip.catalystPipelineStrategy(),
                                clip.sessionId(),
                                clip.inputId()),
                encodeChunk);
    }

    /**
     * A copy fit to store: every transcode-file URL that carries credentials is sealed with {@code box}, with its
     * masked form beside it. A {@code sealed} value given by the creator is never kept.
     */
    TaskParams sealed(SecretBox box) {
        if (transcodeFile == null) {
            return this;
        }
        var t = transcodeFile;
        return new TaskParams(
                upload,
                export,
                exportData,
                new TranscodeFile(
                        seal(t.input(), box),
                        seal(t.storage(), box),
                        t.outputs(),
                        t.profiles(),
                        t.targetSegmentSizeSecs(),
                        t.creatorId(),
                        t.c2pa()),
                clip,
                encodeChunk);
    }

    /** What is kept once the task has ended: the transcode-file credentials only in masked form, sealed or not. */
    TaskParams erased() {
        return new TaskParams(upload, export, exportData, maskTranscodeFile(transcodeFile), clip, encodeChunk);
    }

    private static UrlRef seal(UrlRef ref, SecretBox box) {
        if (ref == null) {
            return null;
        }
        String masked = Credentials.maskUrl(ref.url());
        if (masked == null || masked.equals(ref.url())) {
            return new UrlRef(ref.url(), null);
        }
        return new UrlRef(masked, box.seal(ref.url()));
    }

    private static TranscodeFile maskTranscodeFile(TranscodeFile t) {
        return t == null
                ? null
                : new TranscodeFile(
                        maskRef(t.input()),
                        maskRef(t.storage()),
                        t.outputs(),
                        t.profiles(),
                        t.targetSegmentSizeSecs(),
                        t.creatorId(),
                        t.c2pa());
    }

    private static Custom maskCustom(Custom custom) {
        return custom == null
                ? null
                : new Custom(Credentials.maskUrl(custom.url()), custom.method(), maskValues(custom.headers()));
    }

    /** Export headers usually carry the target's credentials, so none of their values is echoed. */
    private static Map<String, String> maskValues(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        var masked = new LinkedHashMap<String, String>();
        headers.keySet().forEach(name -> masked.put(name, Credentials.MASK));
        return masked;
    }

    private static UrlRef maskRef(UrlRef ref) {
        return ref == null ? null : new UrlRef(Credentials.maskUrl(ref.url()), null);
    }

    private static Ipfs maskIpfs(Ipfs ipfs) {
        if (ipfs == null || ipfs.pinata() == null) {
            return ipfs;
        }
        var pinata = ipfs.pinata();
        return new Ipfs(
                ipfs.nftMetadataTemplate(),
                ipfs.nftMetadata(),
                new Pinata(
                        pinata.jwt() == null ? null : Credentials.MASK,
                        pinata.apiKey(),
                        pinata.apiSecret() == null ? null : Credentials.MASK));
    }
}
