package dev.spool.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/** Opens the object store a storage URL names. */
public final class ObjectStores {

    private ObjectStores() {}

    /**
     * Opens the store for {@code storageUrl}:
     * <ul>
     *   <li>null or blank: a local store in {@code dataDir/objects};</li>
     *   <li>{@code file:///absolute/path} or a plain directory path: a local store there;</li>
     *   <li>{@code s3+http(s)://KEY:SECRET@host[:port]/bucket[/prefix]}: that bucket, which must exist
     *       and be usable with those credentials, checked now.</li>
     * </ul>
     */
    public static ObjectStore open(String storageUrl, Path dataDir) {
        if (storageUrl == null || storageUrl.isBlank()) {
            return new LocalObjectStore(dataDir.resolve("objects"));
        }
        String url = storageUrl.strip();
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("s3+http://") || lower.startsWith("s3+https://")) {
            return open(S3Location.parse(url));
        }
        if (lower.startsWith("file:")) {
            return new LocalObjectStore(fileUrlPath(url));
        }
        int colon = url.indexOf("://");
        if (colon > 0) {
            throw StorageException.invalidUrl("unsupported storage URL '" + StorageUrls.mask(url)
                    + "': use s3+https://KEY:SECRET@host/bucket, file:///path or a directory path");
        }
        try {
            return new LocalObjectStore(Path.of(url));
        } catch (InvalidPathException e) {
            throw StorageException.invalidUrl("storage path '" + url + "' is not a valid path: " + e.getReason());
        }
    }

    /** Opens an S3 bucket; see {@link #open(String, Path)}. */
    public static ObjectStore open(S3Location location) {
        return S3ObjectStore.open(location);
    }

    private static Path fileUrlPath(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getAuthority() != null
                    || uri.getPath() == null
                    || !uri.getPath().startsWith("/")) {
                throw StorageException.invalidUrl(
                        "file storage URL '" + StorageUrls.mask(url) + "' must be file:///absolute/path");
            }
            return Path.of(uri.getPath());
        } catch (URISyntaxException | InvalidPathException e) {
            throw StorageException.invalidUrl(
                    "file storage URL '" + StorageUrls.mask(url) + "' is not valid: " + e.getMessage());
        }
    }
}
