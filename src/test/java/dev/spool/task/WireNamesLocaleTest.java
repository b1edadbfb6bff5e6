package dev.spool.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.asset.Asset;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The phases clients read and the store keeps are the same ASCII words whatever the server's default locale. Under a
 * Turkish one, {@code "FAILED".toLowerCase()} is "faıled" (dotless ı) and {@code "failed".toUpperCase()} "FAİLED":
 * clients that check the documented values would refuse the first, and an asset read back would not parse.
 */
class WireNamesLocaleTest {
    private Locale before;

    @BeforeEach
    void turkish() {
        before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
    }

    @AfterEach
    void restore() {
        Locale.setDefault(before);
    }

    @Test
    void givenATurkishDefaultLocale_whenTaskPhasesAreWritten_thenTheyAreTheDocumentedWords_andReadBack() {
        assertThat(Arrays.stream(TaskPhase.values()).map(TaskPhase::wire))
                .containsExactly("pending", "waiting", "running", "completed", "failed", "cancelled");
        for (var phase : TaskPhase.values()) {
            assertThat(TaskPhase.fromWire(phase.wire())).isEqualTo(phase);
        }
    }

    @Test
    void givenATurkishDefaultLocale_whenAssetPhasesAreWritten_thenTheyAreTheDocumentedWords_andReadBack() {
        assertThat(Arrays.stream(Asset.Phase.values()).map(Asset.Phase::wire))
                .containsExactly("uploading", "waiting", "processing", "ready", "failed", "deleting", "deleted");
        for (var phase : Asset.Phase.values()) {
            assertThat(Asset.Phase.fromWire(phase.wire())).isEqualTo(phase);
        }
    }
}
