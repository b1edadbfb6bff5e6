package dev.spool.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in a bucket of any S3-compatible server, optionally under a key prefix (the path of the
 * {@link S3Location}).
 *
 * <p>Uploads are read in parts of at most {@link #UNKNOWN_LENGTH_PART_SIZE} bytes: an object that fits
 * in one part is a single PUT, a larger one a multipart upload, aborted when anything fails. Each part is
 * held in memory while it is sent, so the SDK can sign and retry it; nothing larger ever is.
 */
final class S3ObjectStore implements ObjectStore {

    private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);

    static final int MIN_PART_SIZE = 8 * 1024 * 1024;
    static final int UNKNOWN_LENGTH_PART_SIZE = 16 * 1024 * 1024;
    private static final int MAX_PARTS = 10_000;
    private static final int MIB = 1024 * 1024;

    private final S3Client s3;
    private final S3Location location;
    private final String bucket;
    private final String prefix;
    private volatile boolean batchDelete = true;

    S3ObjectStore(S3Client s3, S3Location location) {
        this.s3 = s3;
        this.location = location;
        this.bucket = location.bucket();
        this.prefix = location.path().isEmpty() ? "" : location.path() + "/";
    }

    /** Connects to the location and checks that its bucket exists and the credentials may use it. */
    static S3ObjectStore open(S3Location location) {
        S3ObjectStore store = new S3ObjectStore(S3Clients.create(location), location);
        try {
            store.requireBucket();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        log.info("Opened {}", store.describe());
        return store;
    }

    @Override
    public void put(String key, Path file, String contentType) {
        String objectKey = objectKey(key);
        String type = ContentTypes.orDefault(contentType, key);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw unreadable(file, key, e);
        }
        if (size <= partSize(size)) {
            call(
                    () -> s3.putObject(
                            r -> r.bucket(bucket).key(objectKey).contentType(type), RequestBody.fromFile(file)),
                    "write '" + key + "'");
            return;
        }
        try (InputStream in = Files.newInputStream(file)) {
            upload(key, in, size, type);
        } catch (IOException e) {
            throw unreadable(file, key, e);
        }
    }

    private StorageException unreadable(Path file, String key, IOException e) {
        return new StorageException(
                StorageException.IO_ERROR,
                "cannot read " + file + " to store it as '" + key + "' in " + describe() + ": " + e,
                true,
                e);
    }

    @Override
    public void put(String key, InputStream in, long length, String contentType) {
        upload(key, in, length, ContentTypes.orDefault(contentType, key));
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        String objectKey = objectKey(key);
        try {
            HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key(objectKey));
            return Optional.of(new ObjectInfo(
                    key,
                    head.contentLength(),
                    unquote(head.eTag()),
                    head.lastModified().toEpochMilli(),
                    head.contentType()));
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw S3Errors.map(e, location, "read the attributes of '" + key + "'");
        } catch (SdkException e) {
            throw S3Errors.map(e, location, "read the attributes of '" + key + "'");
        }
    }

    @Override
    public void copy(String from, String to) {
        String source = objectKey(from);
        String target = objectKey(to);
        call(
                () -> s3.copyObject(r -> r.sourceBucket(bucket)
                        .sourceKey(source)
                        .destinationBucket(bucket)
                        .destinationKey(target)),
                "copy '" + from + "' to '" + to + "'");
    }

    @Override
    public InputStream get(String key, long offset, long length) {
        ByteRange range = new ByteRange(offset, length);
        GetObjectRequest.Builder request =
                GetObjectRequest.builder().bucket(bucket).key(objectKey(key));
        if (!range.whole()) {
            request.range(range.header());
        }
        return call(() -> s3.getObject(request.build()), "read '" + key + "'");
    }

    @Override
    public List<ObjectInfo> list(String keyPrefix) {
        ObjectKeys.requirePrefix(keyPrefix);
        List<ObjectInfo> found = new ArrayList<>();
        forEachPage(keyPrefix, page -> {
            for (S3Object object : page.contents()) {
                if (object.key().endsWith("/")) {
                    // A "folder" marker made by a console or a filesystem-backed server, not an object.
                    continue;
                }
                found.add(new ObjectInfo(
                        object.key().substring(prefix.length()),
                        object.size(),
                        unquote(object.eTag()),
                        object.lastModified().toEpochMilli(),
                        null));
            }
        });
        return found;
    }

    @Override
    public void delete(String key) {
        String objectKey = objectKey(key);
        call(() -> s3.deleteObject(r -> r.bucket(bucket).key(objectKey)), "delete '" + key + "'");
    }

    /**
     * Deletes page by page: a listing page holds at most 1000 keys, which is what one DeleteObjects
     * request takes. Servers that do not implement DeleteObjects, or not the checksum header the SDK
     * always sends with it, answer 501; from then on this store deletes one key at a time.
     */
    @Override
    public void deletePrefix(String keyPrefix) {
        ObjectKeys.requireDeletablePrefix(keyPrefix);
        forEachPage(keyPrefix, page -> {
            List<String> keys = page.contents().stream().map(S3Object::key).toList();
            if (!keys.isEmpty() && !(batchDelete && deleteBatch(keys))) {
                keys.forEach(key -> call(
                        () -> s3.deleteObject(r -> r.bucket(bucket).key(key)),
                        "delete '" + key.substring(prefix.length()) + "'"));
            }
        });
    }

    /** Whether DeleteObjects is still believed to work with this server. */
    boolean batchDeleteSupported() {
        return batchDelete;
    }

    /** Returns false when the server does not implement the request. */
    private boolean deleteBatch(List<String> keys) {
        List<ObjectIdentifier> objects = keys.stream()
                .map(key -> ObjectIdentifier.builder().key(key).build())
                .toList();
        DeleteObjectsResponse response;
        try {
            response = s3.deleteObjects(
                    r -> r.bucket(bucket).delete(d -> d.objects(objects).quiet(true)));
        } catch (AwsServiceException e) {
            if (e.statusCode() != 501) {
                throw S3Errors.map(e, location, "delete " + keys.size() + " objects");
            }
            batchDelete = false;
            log.info(
                    "{} does not implement batch deletes ({}); deleting one object at a time",
                    describe(),
                    e.awsErrorDetails() == null
                            ? "HTTP 501"
                            : e.awsErrorDetails().errorCode());
            return false;
        } catch (SdkException e) {
            throw S3Errors.map(e, location, "delete " + keys.size() + " objects");
        }
        if (response.hasErrors() && !response.errors().isEmpty()) {
            S3Error first = response.errors().getFirst();
            throw S3Errors.fromCode(
                    first.code(),
                    0,
                    false,
                    first.message(),
                    location,
                    "delete '" + first.key().substring(prefix.length()) + "'",
                    null);
        }
        return true;
    }

    @Override
    public String describe() {
        return "S3 bucket '" + bucket + "'" + (prefix.isEmpty() ? "" : " under '" + prefix + "'") + " at "
                + location.endpoint();
    }

    @Override
    public void close() {
        s3.close();
    }

    @Override
    public String toString() {
        return "S3ObjectStore[" + location.maskedUrl() + "]";
    }

    /**
     * HeadBucket answers without a body, so a refusal carries no S3 error code; a one-key listing is
     * then asked for, whose answer says whether the key, the secret or the permissions are wrong.
     */
    private void requireBucket() {
        String action = "open the bucket";
        try {
            s3.headBucket(r -> r.bucket(bucket));
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                throw S3Errors.fromCode("NoSuchBucket", 404, false, null, location, action, e);
            }
            call(() -> s3.listObjectsV2(r -> r.bucket(bucket).maxKeys(1)), action);
            throw S3Errors.map(e, location, action);
        } catch (SdkException e) {
            throw S3Errors.map(e, location, action);
        }
    }

    private void upload(String key, InputStream in, long length, String contentType) {
        String objectKey = objectKey(key);
        int partSize = partSize(length);
        byte[] chunk = readChunk(in, key, length, 0, partSize);
        if (chunk.length < partSize || chunk.length == length) {
            byte[] whole = chunk;
            call(
                    () -> s3.putObject(
                            r -> r.bucket(bucket).key(objectKey).contentType(contentType),
                            RequestBody.fromContentProvider(
                                    () -> new ByteArrayInputStream(whole), whole.length, contentType)),
                    "write '" + key + "'");
            return;
        }
        String action = "write '" + key + "'";
        String uploadId = call(
                        () -> s3.createMultipartUpload(
                                r -> r.bucket(bucket).key(objectKey).contentType(contentType)),
                        action)
                .uploadId();
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long done = 0;
            do {
                int number = parts.size() + 1;
                byte[] part = chunk;
                String etag = call(
                                () -> s3.uploadPart(
                                        r -> r.bucket(bucket)
                                                .key(objectKey)
                                                .uploadId(uploadId)
                                                .partNumber(number)
                                                .contentLength((long) part.length),
                                        RequestBody.fromContentProvider(
                                                () -> new ByteArrayInputStream(part), part.length, contentType)),
                                action)
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                done += part.length;
                chunk = readChunk(in, key, length, done, partSize);
            } while (chunk.length > 0);
            call(
                    () -> s3.completeMultipartUpload(r ->
                            r.bucket(bucket).key(objectKey).uploadId(uploadId).multipartUpload(m -> m.parts(parts))),
                    action);
            completed = true;
            log.debug("Stored '{}' in {} as {} parts, {} bytes", key, describe(), parts.size(), done);
        } finally {
            if (!completed) {
                abort(key, objectKey, uploadId);
            }
        }
    }

    /** Reads the next part: {@code partSize} bytes, or what remains of an announced length. */
    private static byte[] readChunk(InputStream in, String key, long length, long done, int partSize) {
        int wanted = length < 0 ? partSize : (int) Math.min(partSize, length - done);
        try {
            byte[] chunk = in.readNBytes(wanted);
            if (length >= 0 && chunk.length < wanted) {
                throw StorageException.endedEarly(key, done + chunk.length, length);
            }
            return chunk;
        } catch (IOException e) {
            throw new StorageException(
                    StorageException.IO_ERROR,
                    "cannot read the data for '" + key + "' after " + done + " bytes: " + e,
                    true,
                    e);
        }
    }

    /** The smallest part size that keeps an object of this length within S3's 10,000 parts. */
    static int partSize(long length) {
        if (length < 0) {
            return UNKNOWN_LENGTH_PART_SIZE;
        }
        long needed = (length + MAX_PARTS - 1) / MAX_PARTS;
        long rounded = (needed + MIB - 1) / MIB * MIB;
        return (int) Math.max(MIN_PART_SIZE, rounded);
    }

    private void abort(String key, String objectKey, String uploadId) {
        try {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(objectKey).uploadId(uploadId));
        } catch (SdkException e) {
            log.warn(
                    "Could not abort the failed multipart upload of '{}' in {}: {}; its parts stay until the "
                            + "bucket's lifecycle rules remove them",
                    key,
                    describe(),
                    e.getMessage());
        }
    }

    private void forEachPage(String keyPrefix, Consumer<ListObjectsV2Response> action) {
        try {
            s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + keyPrefix))
                    .forEach(action);
        } catch (SdkException e) {
            throw S3Errors.map(e, location, "list the objects under '" + keyPrefix + "'");
        }
    }

    private String objectKey(String key) {
        return prefix + ObjectKeys.requireKey(key);
    }

    private <T> T call(Supplier<T> request, String action) {
        try {
            return request.get();
        } catch (SdkException e) {
            throw S3Errors.map(e, location, action);
        }
    }

    private static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
