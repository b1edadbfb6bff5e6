package dev.spool.storage;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns S3 failures into {@link StorageException}s whose message tells the owner of the bucket what
 * went wrong and what to change. The SDK has already retried what it could when these are made.
 */
final class S3Errors {

    private S3Errors() {}

    /**
     * @param action what Spool was doing, completing "could not ...", e.g. "read 'hls/index.m3u8'"
     */
    static StorageException map(SdkException e, S3Location location, String action) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null
                    ? null
                    : service.awsErrorDetails().errorCode();
            String detail = service.awsErrorDetails() == null
                    ? null
                    : service.awsErrorDetails().errorMessage();
            return fromCode(code, service.statusCode(), service.isThrottlingException(), detail, location, action, e);
        }
        if (e instanceof SdkClientException) {
            return new StorageException(
                    StorageException.UNAVAILABLE,
                    "could not reach S3 at " + location.endpoint() + " to " + action + " in bucket '"
                            + location.bucket() + "': " + e.getMessage(),
                    true,
                    e);
        }
        return new StorageException(
                StorageException.IO_ERROR,
                "could not " + action + " in S3 bucket '" + location.bucket() + "': " + e.getMessage(),
                true,
                e);
    }

    /** Also used for the per-key errors of a batch delete, which arrive as values, not exceptions. */
    static StorageException fromCode(
            String code,
            int status,
            boolean throttling,
            String detail,
            S3Location location,
            String action,
            Throwable cause) {
        String bucket = "'" + location.bucket() + "'";
        String tag = " (" + (code == null || code.isBlank() ? "HTTP " + status : code) + ")";
        String errorCode = code == null ? "" : code;
        switch (errorCode) {
            case "InvalidAccessKeyId":
                return new StorageException(
                        StorageException.INVALID_CREDENTIALS,
                        "S3 at " + location.endpoint()
                                + " does not know the access key id used for bucket " + bucket + tag
                                + ": check the access key id",
                        false,
                        cause);
            case "SignatureDoesNotMatch":
                return new StorageException(
                        StorageException.INVALID_CREDENTIALS,
                        "S3 rejected the credentials for bucket " + bucket + tag + ": check the secret access key",
                        false,
                        cause);
            case "AccessDenied":
                return accessDenied(bucket, tag, action, cause);
            case "NoSuchBucket":
                return new StorageException(
                        StorageException.NO_SUCH_BUCKET,
                        "S3 bucket " + bucket + " does not exist at " + location.endpoint() + tag
                                + ": create it or correct the bucket name",
                        false,
                        cause);
            case "NoSuchKey":
                return notFound(bucket, tag, action, cause);
            case "InvalidRange":
                return invalidRange(bucket, tag, action, cause);
            default:
                break;
        }
        // 501 Not Implemented names a feature the server lacks: asking again cannot help.
        if (throttling || (status >= 500 && status != 501)) {
            return new StorageException(
                    StorageException.UNAVAILABLE,
                    "S3 at " + location.endpoint() + " could not " + action + " in bucket " + bucket + tag
                            + ": the store is failing or overloaded, try again later",
                    true,
                    cause);
        }
        if (status == 403) {
            return accessDenied(bucket, tag, action, cause);
        }
        if (status == 404) {
            return notFound(bucket, tag, action, cause);
        }
        if (status == 416) {
            return invalidRange(bucket, tag, action, cause);
        }
        return new StorageException(
                StorageException.REJECTED,
                "S3 refused to " + action + " in bucket " + bucket + tag
                        + (detail == null || detail.isBlank() ? "" : ": " + detail),
                false,
                cause);
    }

    private static StorageException accessDenied(String bucket, String tag, String action, Throwable cause) {
        return new StorageException(
                StorageException.ACCESS_DENIED,
                "S3 denied access to bucket " + bucket + tag + " when trying to " + action
                        + ": grant the access key this permission on the bucket or use another key",
                false,
                cause);
    }

    private static StorageException invalidRange(String bucket, String tag, String action, Throwable cause) {
        return new StorageException(
                StorageException.INVALID_RANGE,
                "could not " + action + " in S3 bucket " + bucket + tag + ": the byte range lies outside the object",
                false,
                cause);
    }

    private static StorageException notFound(String bucket, String tag, String action, Throwable cause) {
        return new StorageException(
                StorageException.NOT_FOUND,
                "could not " + action + ": it does not exist in S3 bucket " + bucket + tag,
                false,
                cause);
    }
}
