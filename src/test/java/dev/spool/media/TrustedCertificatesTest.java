package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PEM bundle handed to ffmpeg holds exactly the authorities the JVM trusts, and replaces an older one whole. */
class TrustedCertificatesTest {
    @TempDir
    Path dir;

    @Test
    void givenTheJvmsTrustedAuthorities_whenWrittenForFfmpeg_thenTheBundleReadsBackAsTheSameCertificates()
            throws Exception {
        Path file = dir.resolve("trusted.pem");
        Files.writeString(file, "an older bundle");

        TrustedCertificates.write(file);

        Set<X509Certificate> written;
        try (InputStream in = Files.newInputStream(file)) {
            written = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast)
                    .collect(Collectors.toSet());
        }
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        var jvm = Arrays.stream(factory.getTrustManagers())
                .filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(written).isNotEmpty().containsExactlyInAnyOrder(jvm.getAcceptedIssuers());
        assertThat(Files.list(dir)).containsExactly(file);
    }
}
