package dev.spool.testing;

import dev.spool.config.Config;
import dev.spool.db.Database;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An empty database for each test, opened as Spool opens it (migrated, with its pools): a {@link ScratchDatabase} of
 * the store the test names, closed, dropped and its directory removed after the test. Registered on a field with
 * {@code @RegisterExtension}; a {@link BothStores} class passes {@code () -> store}, read when each test begins.
 */
public final class ScratchStore implements BeforeEachCallback, AfterEachCallback {
    private final Supplier<Store> store;
    private Path dir;
    private ScratchDatabase scratch;
    private Database database;

    public ScratchStore(Supplier<Store> store) {
        this.store = store;
    }

    public Database database() {
        return database;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        dir = TestServer.createTempDir();
        scratch = ScratchDatabase.create(store.get(), dir);
        database = Database.open(scratch.url(), Config.DATABASE_READ_TIMEOUT);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        database.close();
        scratch.close();
        TestServer.deleteRecursively(dir);
    }
}
