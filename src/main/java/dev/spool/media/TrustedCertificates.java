package dev.spool.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities this JVM trusts, written as a PEM bundle for ffmpeg: ffmpeg checks no TLS certificate
 * unless told to, and its bundled TLS library does not know where a system keeps its authorities (a minimal system
 * has none). With the JVM's own list, ffmpeg trusts exactly the servers Spool's own clients trust.
 */
public final class TrustedCertificates {
    private TrustedCertificates() {}

    /**
     * The bundle at {@code file}, written (replacing it whole) when first asked for: only a process that reads a
     * source over HTTPS needs it, so none is written at start.
     */
    public static Supplier<Path> writtenOnFirstUse(Path file) {
        var written = new AtomicReference<Path>();
        return () -> {
            synchronized (written) {
                if (written.get() == null) {
                    written.set(write(file));
                }
                return written.get();
            }
        };
    }

    /** Writes the bundle to {@code file} (replacing it whole) and returns it. */
    public static Path write(Path file) {
        try {
            String pem = pem(authorities());
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.writeString(partial, pem, StandardCharsets.US_ASCII);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot write the trusted certificate authorities to " + file, e);
        }
    }

    /** The certificates in PEM, one block each, as TLS libraries read a bundle. */
    static String pem(Certificate... certificates) throws CertificateEncodingException {
        var pem = new StringBuilder();
        var encoder = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        for (Certificate certificate : certificates) {
            pem.append("-----BEGIN CERTIFICATE-----\n")
                    .append(encoder.encodeToString(certificate.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        return pem.toString();
    }

    private static X509Certificate[] authorities() throws GeneralSecurityException {
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509.getAcceptedIssuers();
            }
        }
        throw new GeneralSecurityException("the JVM has no X.509 trust manager");
    }
}
