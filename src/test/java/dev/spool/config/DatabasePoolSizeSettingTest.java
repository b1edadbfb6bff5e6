package dev.spool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code SPOOL_DATABASE_POOL_SIZE}: unset leaves the store's default; a size outside 2-1000 stops the start. */
class DatabasePoolSizeSettingTest {

    @Test
    void givenNoSize_thenTheStoreKeepsItsDefault() {
        assertThat(Config.fromEnv(Map.of()).databasePoolSize()).isEqualTo(OptionalInt.empty());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 5, 1000})
    void givenASizeInRange_thenItIsTheMainPoolsMaximum(int size) {
        assertThat(Config.fromEnv(Map.of("SPOOL_DATABASE_POOL_SIZE", Integer.toString(size)))
                        .databasePoolSize())
                .isEqualTo(OptionalInt.of(size));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "1001"})
    void givenASizeOutOfRange_thenTheStartStopsSayingWhatItMustBe(String written) {
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SPOOL_DATABASE_POOL_SIZE", written)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SPOOL_DATABASE_POOL_SIZE must be 2 to 1000 connections, got " + written);
    }

    @Test
    void givenSomethingThatIsNoNumber_thenTheStartStopsNamingTheSetting() {
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SPOOL_DATABASE_POOL_SIZE", "many")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SPOOL_DATABASE_POOL_SIZE");
    }
}
