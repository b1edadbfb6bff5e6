package dev.spool.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    private static final String URL = "s3+https://KEY:se%2Fcret@s3.example.com/bucket/in.mp4";

    @TempDir
    Path dataDir;

    @Test
    void givenASealedSecret_whenOpenedWithTheSameKey_thenItIsTheSecret() throws Exception {
        var box = new SecretBox(key(1));

        String sealed = box.seal(URL);

        assertThat(sealed).startsWith("v1.").doesNotContain("se%2Fcret").doesNotContain("KEY");
        assertThat(box.open(sealed)).isEqualTo(URL);
        assertThat(box.seal(URL)).as("a fresh nonce every time").isNotEqualTo(sealed);
    }

    @Test
    void givenAValueSealedForOnePlace_thenItOpensThereOnly() throws Exception {
        var box = new SecretBox(key(1));
        String sealed = box.seal(URL, "row a");

        assertThat(box.open(sealed, "row a")).isEqualTo(URL);
        assertThatThrownBy(() -> box.open(sealed, "row b")).isInstanceOf(SecretBox.UnreadableSecret.class);
        assertThatThrownBy(() -> box.open(sealed)).isInstanceOf(SecretBox.UnreadableSecret.class);
        assertThatThrownBy(() -> box.open(box.seal(URL), "row a")).isInstanceOf(SecretBox.UnreadableSecret.class);
    }

    @Test
    void givenASealedSecret_whenAlteredOrOpenedWithAnotherKey_thenItIsRefused() {
        String sealed = new SecretBox(key(1)).seal(URL);
        int middle = sealed.length() / 2;
        String altered =
                sealed.substring(0, middle) + (sealed.charAt(middle) == 'A' ? 'B' : 'A') + sealed.substring(middle + 1);

        assertThatThrownBy(() -> new SecretBox(key(2)).open(sealed)).isInstanceOf(SecretBox.UnreadableSecret.class);
        assertThatThrownBy(() -> new SecretBox(key(1)).open(altered)).isInstanceOf(SecretBox.UnreadableSecret.class);
        assertThatThrownBy(() -> new SecretBox(key(1)).open(URL)).isInstanceOf(SecretBox.UnreadableSecret.class);
    }

    @Test
    void givenKeys_whenFingerprinted_thenEqualKeysMatchAndTheKeyIsNotInIt() {
        String fingerprint = new SecretBox(key(1)).fingerprint();

        assertThat(new SecretBox(key(1)).fingerprint()).isEqualTo(fingerprint);
        assertThat(new SecretBox(key(2)).fingerprint()).isNotEqualTo(fingerprint);
        assertThat(fingerprint)
                .hasSize(64)
                .doesNotContain(java.util.HexFormat.of().formatHex(key(1)))
                .doesNotContain(Base64.getEncoder().encodeToString(key(1)));
    }

    @Test
    void givenNoConfiguredKey_whenLoaded_thenAKeyFileReadableByItsOwnerOnlyIsMadeOnceAndKept() throws Exception {
        var first = ServerKey.load(Optional.empty(), dataDir);
        var second = ServerKey.load(Optional.empty(), dataDir);

        Path file = dataDir.resolve("secret-key");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
        assertThat(second.open(first.seal(URL))).isEqualTo(URL);
        try (var files = Files.list(dataDir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void givenAConfiguredKey_whenLoaded_thenItIsUsedAndNoFileIsMade() throws Exception {
        String configured = Base64.getEncoder().encodeToString(key(3));

        var box = ServerKey.load(Optional.of(configured), dataDir);

        assertThat(new SecretBox(key(3)).open(box.seal(URL))).isEqualTo(URL);
        assertThat(dataDir.resolve("secret-key")).doesNotExist();
    }

    @Test
    void givenAConfiguredKeyOfTheWrongSize_whenLoaded_thenTheStartIsRefusedSayingWhatIsExpected() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> ServerKey.load(Optional.of(shortKey), dataDir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SPOOL_SECRET_KEY")
                .hasMessageContaining("32");
        assertThatThrownBy(() -> ServerKey.load(Optional.of("not base64!"), dataDir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("base64");
    }

    private static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }
}
