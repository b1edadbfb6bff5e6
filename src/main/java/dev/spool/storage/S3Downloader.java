package dev.spool.storage;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Streams one object from an S3-compatible store named by an {@link S3SourceUrl}. */
final class S3Downloader {

    private final FetchConfig config;
    private final AddressGuard guard;

    S3Downloader(FetchConfig config, AddressGuard guard) {
        this.config = config;
        this.guard = guard;
    }

    FetchedSource download(S3SourceUrl source, Path target, FetchListener progress) throws FetchException {
        guard.check(source.endpoint());
        String shown = source.display();
        try (S3Client s3 = client(source)) {
            GetObjectRequest request = GetObjectRequest.builder()
                    .bucket(source.bucket())
                    .key(source.key())
                    .build();
            ResponseInputStream<GetObjectResponse> body = s3.getObject(request);
            boolean complete = false;
            try {
                GetObjectResponse response = body.response();
                OptionalLong announced = response.contentLength() == null
                        ? OptionalLong.empty()
                        : OptionalLong.of(response.contentLength());
                if (announced.isPresent() && announced.getAsLong() > config.maxBytes()) {
                    throw BoundedCopy.tooLarge(shown, config.maxBytes());
                }
                announced.ifPresent(progress::announced);
                long written = BoundedCopy.toFile(body, target, config.maxBytes(), shown, progress::written);
                complete = true;
                return new FetchedSource(shown, announced, Optional.ofNullable(response.contentType()), written);
            } catch (SocketTimeoutException e) {
                throw FetchException.retriable(
                        FetchException.SOURCE_UNAVAILABLE,
                        shown + " stopped sending data for " + HttpDownloader.describe(config.readTimeout()),
                        e);
            } catch (IOException e) {
                throw FetchException.retriable(
                        FetchException.SOURCE_UNAVAILABLE,
                        "the transfer from " + shown + " broke off: " + HttpDownloader.describe(e),
                        e);
            } finally {
                if (complete) {
                    closeQuietly(body);
                } else {
                    // Closing would drain the rest of a possibly huge object to reuse the connection.
                    body.abort();
                }
            }
        } catch (S3Exception e) {
            throw failure(e, source);
        } catch (AbortedException e) {
            Thread.currentThread().interrupt();
            throw FetchException.retriable(FetchException.INTERRUPTED, "interrupted while fetching " + shown, e);
        } catch (SdkClientException e) {
            throw FetchException.retriable(
                    FetchException.SOURCE_UNAVAILABLE,
                    "cannot reach the object store of " + shown + ": " + HttpDownloader.describe(e),
                    e);
        }
    }

    private S3Client client(S3SourceUrl source) {
        return S3Client.builder()
                .endpointOverride(source.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(source.accessKey(), source.secretKey())))
                // S3-compatible stores often reject or ignore the newer default checksum headers.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(config.connectTimeout())
                        .socketTimeout(config.readTimeout()))
                .build();
    }

    static FetchException failure(S3Exception e, S3SourceUrl source) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String where = "bucket " + source.bucket() + " at " + source.hostAndPort();
        if ("NoSuchKey".equals(code) || code == null && e.statusCode() == 404) {
            return FetchException.unretriable(
                    FetchException.SOURCE_NOT_FOUND, "the object " + source.key() + " does not exist in " + where);
        }
        String detail = code == null ? "HTTP " + e.statusCode() : code + " (HTTP " + e.statusCode() + ")";
        if (e.statusCode() >= 500 || e.statusCode() == 429 || "SlowDown".equals(code)) {
            return FetchException.retriable(
                    FetchException.SOURCE_UNAVAILABLE,
                    "the object store failed reading " + source.key() + " from " + where + ": " + detail,
                    e);
        }
        // Bucket and credential errors need the user to fix the URL; no retry changes them.
        String what = switch (code == null ? "" : code) {
            case "NoSuchBucket" -> "the bucket " + source.bucket() + " does not exist at " + source.hostAndPort();
            case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch" ->
                "the object store refused access to " + where;
            default -> "the object store rejected reading " + source.key() + " from " + where;
        };
        return new FetchException(FetchException.SOURCE_REJECTED, what + ": " + detail, false, e);
    }

    private static void closeQuietly(ResponseInputStream<?> body) {
        try {
            body.close();
        } catch (IOException ignored) {
            // Every byte was read; a failure to release the connection changes nothing.
        }
    }
}
