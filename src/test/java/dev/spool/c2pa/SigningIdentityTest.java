package dev.spool.c2pa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.config.Config;
import dev.spool.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the C2PA signing identity comes from: the settings, or a self-signed one kept in the data directory. */
class SigningIdentityTest {
    private static final Config.C2pa UNSET = new Config.C2pa(Optional.empty(), Optional.empty());

    @TempDir
    Path dataDir;

    @Test
    void givenNoSettings_whenLoadedTwice_thenOneSelfSignedC2paCertificateIsMadeWithAnOwnerOnlyKeyAndKept()
            throws Exception {
        var first = SigningIdentity.load(UNSET, dataDir);
        var second = SigningIdentity.load(UNSET, dataDir);

        assertThat(Files.getPosixFilePermissions(dataDir.resolve(SigningIdentity.KEY_FILE)))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        var cert = first.chain().getFirst();
        assertThat(second.chain().getFirst()).isEqualTo(cert);
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.4.1.62558.2.1");
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void givenACertificateAndKeyInTheSettings_whenLoaded_thenTheyAreUsedAndNothingIsMade(@TempDir Path elsewhere) {
        var made = SigningIdentity.load(UNSET, elsewhere);
        var settings = new Config.C2pa(
                Optional.of(elsewhere.resolve(SigningIdentity.CERT_FILE)),
                Optional.of(elsewhere.resolve(SigningIdentity.KEY_FILE)));

        var loaded = SigningIdentity.load(settings, dataDir);

        assertThat(loaded.chain()).isEqualTo(made.chain());
        assertThat(dataDir.resolve(SigningIdentity.CERT_FILE)).doesNotExist();
    }

    @Test
    void givenACertificateWithoutItsKey_whenConfigured_thenStartIsRefusedNamingBoth() {
        assertThatThrownBy(() -> new Config.C2pa(Optional.of(dataDir.resolve("cert.pem")), Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SPOOL_C2PA_CERT")
                .hasMessageContaining("SPOOL_C2PA_KEY");
    }
}
