package dev.spool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every duration setting takes 30s, 3m, 6h, 500ms, plain seconds or ISO-8601, as the README says. */
class DurationSettingTest {

    @ParameterizedTest(name = "{0} is {1} ms")
    @CsvSource({
        "30s, 30000",
        "3m, 180000",
        "6h, 21600000",
        "500ms, 500",
        "45, 45000",
        "PT30S, 30000",
        "pt1m30s, 90000",
        "' 2m ', 120000"
    })
    void givenADurationInAnyDocumentedForm_whenRead_thenItIsThatLong(String written, long millis) {
        var config = Config.fromEnv(Map.of("SPOOL_SHUTDOWN_GRACE", written));

        assertThat(config.engine().shutdownGrace()).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "10 s", "3w", "ms", "1.5s", "PT"})
    void givenSomethingThatIsNoDuration_whenRead_thenTheStartStopsNamingTheSetting(String written) {
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SPOOL_WEBHOOK_TIMEOUT", written)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SPOOL_WEBHOOK_TIMEOUT")
                .hasMessageContaining("'" + written + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "500ms"})
    void givenADatabaseReadTimeoutUnderASecond_whenRead_thenTheStartStopsSayingWhatItMustBe(String written) {
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SPOOL_DATABASE_READ_TIMEOUT", written)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SPOOL_DATABASE_READ_TIMEOUT must be at least 1s");
    }
}
