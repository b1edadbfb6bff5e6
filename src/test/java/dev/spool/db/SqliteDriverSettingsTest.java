package dev.spool.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.ScratchStore;
import dev.spool.testing.Store;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sqlite.SQLiteConnection;

/** How the embedded store's driver is set up, beyond the pragmas its statements rely on. */
class SqliteDriverSettingsTest {
    @RegisterExtension
    final ScratchStore scratch = new ScratchStore(() -> Store.SQLITE);

    @Test
    void givenTheEmbeddedStore_whenAConnectionIsTaken_thenTheDriverFetchesNoGeneratedKeysAfterInserts()
            throws SQLException {
        boolean fetchesKeys = scratch.database()
                .jdbi()
                .withHandle(h -> h.getConnection()
                        .unwrap(SQLiteConnection.class)
                        .getConnectionConfig()
                        .isGetGeneratedKeys());

        assertThat(fetchesKeys)
                .as("a SELECT last_insert_rowid() after every INSERT, which nothing reads")
                .isFalse();
    }
}
