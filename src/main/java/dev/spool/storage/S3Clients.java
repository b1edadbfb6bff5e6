package dev.spool.storage;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds the S3 client for one location, set up for any S3-compatible server rather than AWS alone. */
final class S3Clients {

    /** Livepeer's budget for object-store writes: 5 retries, exponential from 200 ms up to 5 s. */
    private static final int MAX_ATTEMPTS = 6;

    private static final BackoffStrategy BACKOFF =
            BackoffStrategy.exponentialDelay(Duration.ofMillis(200), Duration.ofSeconds(5));
    private static final BackoffStrategy THROTTLING_BACKOFF =
            BackoffStrategy.exponentialDelay(Duration.ofSeconds(1), Duration.ofSeconds(20));

    private S3Clients() {}

    static S3Client create(S3Location location) {
        RetryStrategy retries = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(MAX_ATTEMPTS)
                .backoffStrategy(BACKOFF)
                .throttlingBackoffStrategy(THROTTLING_BACKOFF)
                .build();
        return S3Client.builder()
                .endpointOverride(location.endpoint())
                .region(Region.of(location.region()))
                // Most S3-compatible servers have no per-bucket DNS names.
                .forcePathStyle(true)
                .credentialsProvider(credentials(location))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)))
                // The SDK's default CRC checksum headers are unknown to many S3-compatible servers, which
                // answer 501; DeleteObjects, which must carry a checksum, gets the Content-MD5 they all know.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .addPlugin(LegacyMd5Plugin.create())
                .overrideConfiguration(o -> o.retryStrategy(retries))
                .build();
    }

    private static StaticCredentialsProvider credentials(S3Location location) {
        return StaticCredentialsProvider.create(
                AwsBasicCredentials.create(location.accessKeyId(), location.secretAccessKey()));
    }
}
