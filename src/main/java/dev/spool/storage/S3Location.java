package dev.spool.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A place in an S3-compatible object store, in Livepeer's URL form
 * {@code s3+http(s)://ACCESS_KEY:SECRET@host[:port]/bucket[/path]} with the key and secret
 * URL-encoded.
 *
 * @param endpoint        {@code http(s)://host[:port]}, nothing more
 * @param bucket          the bucket name
 * @param path            a key prefix inside the bucket without leading or trailing '/', or ""
 * @param accessKeyId     the access key id
 * @param secretAccessKey the secret access key; never part of {@link #toString()}
 */
public record S3Location(URI endpoint, String bucket, String path, String accessKeyId, String secretAccessKey) {

    static final String DEFAULT_REGION = "us-east-1";

    private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern AWS_HOST =
            Pattern.compile("s3[.-]([a-z]{2}(?:-[a-z]+)+-\\d)(?:\\.dualstack)?\\.amazonaws\\.com");

    public S3Location {
        endpoint = hostOnly(endpoint);
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw StorageException.invalidUrl("S3 bucket name '" + bucket + "' is not valid");
        }
        path = ObjectKeys.trimSlashes(path == null ? "" : path);
        if (!path.isEmpty()) {
            ObjectKeys.requireKey(path);
        }
        if (accessKeyId == null || accessKeyId.isEmpty() || secretAccessKey == null || secretAccessKey.isEmpty()) {
            throw StorageException.invalidUrl(
                    "S3 location of bucket '" + bucket + "' needs both an access key id and a secret access key");
        }
    }

    /** Parses {@code s3+http(s)://KEY:SECRET@host[:port]/bucket[/path]}, URL-decoding key, secret and path. */
    public static S3Location parse(String url) {
        if (url == null) {
            throw StorageException.invalidUrl("no S3 storage URL given");
        }
        String masked = StorageUrls.mask(url);
        String lower = url.toLowerCase(Locale.ROOT);
        String scheme;
        if (lower.startsWith("s3+https://")) {
            scheme = "https";
        } else if (lower.startsWith("s3+http://")) {
            scheme = "http";
        } else {
            throw StorageException.invalidUrl(
                    "'" + masked + "' is not an S3 storage URL: expected s3+https://KEY:SECRET@host/bucket");
        }
        String rest = url.substring(url.indexOf("://") + 3);
        int authorityEnd = StorageUrls.authorityEnd(rest);
        String authority = rest.substring(0, authorityEnd);
        int at = authority.lastIndexOf('@');
        if (at < 0) {
            String hint = rest.indexOf('@') >= 0 ? " (URL-encode the secret: a '/' in it is written %2F)" : "";
            throw StorageException.invalidUrl("S3 storage URL '" + masked + "' has no credentials: expected " + "s3+"
                    + scheme + "://KEY:SECRET@host/bucket" + hint);
        }
        String userinfo = authority.substring(0, at);
        int colon = userinfo.indexOf(':');
        if (colon < 0) {
            throw StorageException.invalidUrl("S3 storage URL '" + masked + "' needs KEY:SECRET before the '@'");
        }
        String remainder = rest.substring(authorityEnd);
        if (remainder.indexOf('?') >= 0 || remainder.indexOf('#') >= 0) {
            throw StorageException.invalidUrl("S3 storage URL '" + masked + "' must not have a query or fragment");
        }
        String bucketAndPath = ObjectKeys.trimSlashes(decode(remainder, masked));
        int slash = bucketAndPath.indexOf('/');
        String bucket = slash < 0 ? bucketAndPath : bucketAndPath.substring(0, slash);
        if (bucket.isEmpty()) {
            throw StorageException.invalidUrl(
                    "S3 storage URL '" + masked + "' names no bucket: expected .../bucket[/path]");
        }
        return new S3Location(
                endpoint(scheme + "://" + authority.substring(at + 1), masked),
                bucket,
                slash < 0 ? "" : bucketAndPath.substring(slash + 1),
                decode(userinfo.substring(0, colon), masked),
                decode(userinfo.substring(colon + 1), masked));
    }

    /**
     * Builds a location from Livepeer's structured form {@code {endpoint, bucket, path, credentials}}.
     * As Livepeer does, only the scheme, host and port of {@code endpoint} are used.
     */
    public static S3Location of(
            String endpoint, String bucket, String path, String accessKeyId, String secretAccessKey) {
        if (endpoint == null) {
            throw StorageException.invalidUrl("no S3 endpoint given for bucket '" + bucket + "'");
        }
        return new S3Location(
                endpoint(endpoint, StorageUrls.mask(endpoint)), bucket, path, accessKeyId, secretAccessKey);
    }

    /** The storage URL with credentials, as Livepeer writes it into task params. Never log it. */
    public String toUrl() {
        return "s3+" + endpoint.getScheme() + "://" + PercentCoding.encode(accessKeyId, false) + ":"
                + PercentCoding.encode(secretAccessKey, false) + "@" + endpoint.getRawAuthority() + "/"
                + PercentCoding.encode(bucket, false) + (path.isEmpty() ? "" : "/" + PercentCoding.encode(path, true));
    }

    /** The storage URL with {@code ***:***} in place of the credentials. */
    public String maskedUrl() {
        return StorageUrls.mask(toUrl());
    }

    /** The signing region: the one an AWS endpoint's host name carries, else {@value #DEFAULT_REGION}. */
    String region() {
        Matcher aws = AWS_HOST.matcher(endpoint.getHost().toLowerCase(Locale.ROOT));
        return aws.matches() ? aws.group(1) : DEFAULT_REGION;
    }

    @Override
    public String toString() {
        return "S3Location[" + maskedUrl() + "]";
    }

    private static URI endpoint(String text, String masked) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw StorageException.invalidUrl("S3 endpoint in '" + masked + "' is not a valid URL: " + e.getReason());
        }
    }

    private static URI hostOnly(URI endpoint) {
        if (endpoint == null) {
            throw StorageException.invalidUrl("no S3 endpoint given");
        }
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if ((!scheme.equals("http") && !scheme.equals("https")) || endpoint.getHost() == null) {
            throw StorageException.invalidUrl(
                    "S3 endpoint '" + StorageUrls.mask(endpoint.toString()) + "' must be http(s)://host[:port]");
        }
        try {
            return new URI(scheme, null, endpoint.getHost(), endpoint.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw StorageException.invalidUrl(
                    "S3 endpoint host '" + endpoint.getHost() + "' is not valid: " + e.getReason());
        }
    }

    private static String decode(String s, String masked) {
        try {
            return PercentCoding.decode(s);
        } catch (IllegalArgumentException e) {
            throw StorageException.invalidUrl(
                    "S3 storage URL '" + masked + "' is not URL-encoded correctly: " + e.getMessage());
        }
    }
}
