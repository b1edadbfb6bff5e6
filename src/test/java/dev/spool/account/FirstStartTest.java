package dev.spool.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.db.Database;
import dev.spool.testing.BothStores;
import dev.spool.testing.CapturedOutput;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/** What the very first start of a server does, and what later starts leave alone. Each test starts its own. */
@BothStores
class FirstStartTest {
    @Parameter
    Store store;

    @Test
    void givenAnEmptyPlace_whenSpoolFirstStarts_thenItCreatesTheDataDirTheDatabaseAndAnAdminWithAKey() {
        try (var output = CapturedOutput.start();
                var server = TestServer.start(store)) {
            assertThat(server.dataDir()).isDirectory();
            if (store == Store.SQLITE) {
                assertThat(server.dataDir().resolve("spool.db")).isRegularFile();
            }
            assertThat(server.server().accounts().findUserByEmail(AdminBootstrap.ADMIN_EMAIL))
                    .hasValueSatisfying(admin -> assertThat(admin.admin()).isTrue());
            Path keyFile = server.dataDir().resolve("admin-api-key");
            assertThat(permissions(keyFile)).isEqualTo("rw-------");
            assertThat(output.text()).contains(server.adminKey());

            var tasks = server.admin().get("/api/task");

            assertThat(tasks.status()).isEqualTo(200);
            assertThat(tasks.body()).isEqualTo("[]");
        }
    }

    @Test
    void givenAStartedSpool_whenRestarted_thenTheSameKeyWorksAndNoNewKeyIsMade() throws IOException {
        try (var server = TestServer.start(store)) {
            String key = server.adminKey();
            Path keyFile = server.dataDir().resolve("admin-api-key");
            var writtenAt = Files.getLastModifiedTime(keyFile);

            String said;
            try (var output = CapturedOutput.start()) {
                server.restart();
                said = output.text();
            }

            assertThat(said).doesNotContain(key).doesNotContainIgnoringCase("api key");
            assertThat(server.adminKey()).isEqualTo(key);
            assertThat(Files.getLastModifiedTime(keyFile)).isEqualTo(writtenAt);
            assertThat(server.server().accounts().listApiKeys()).hasSize(1);
            assertThat(server.admin().get("/api/task").status()).isEqualTo(200);
        }
    }

    @Test
    void givenAFirstStart_thenThePlaintextKeyIsNowhereButInItsFile() throws IOException {
        try (var server = TestServer.start(store)) {
            byte[] key = server.adminKey().getBytes(StandardCharsets.UTF_8);
            // A request first, so that anything Spool might write about an authenticated call is on disk too.
            assertThat(server.admin().get("/api/task").status()).isEqualTo(200);

            List<Path> files;
            try (Stream<Path> walk = Files.walk(server.dataDir())) {
                files = walk.filter(Files::isRegularFile)
                        .filter(path -> !path.getFileName().toString().equals("admin-api-key"))
                        .toList();
            }
            for (Path file : files) {
                assertThat(indexOf(Files.readAllBytes(file), key))
                        .as("the key's bytes in %s", file)
                        .isEqualTo(-1);
            }
            List<Map<String, Object>> rows = server.server()
                    .database()
                    .jdbi()
                    .withHandle(h ->
                            h.createQuery("SELECT * FROM api_keys").mapToMap().list());
            assertThat(rows).hasSize(1);
            assertThat(rows.getFirst().values())
                    .allSatisfy(value -> assertThat(String.valueOf(value)).doesNotContain(server.adminKey()));
        }
    }

    @Test
    void givenSpoolAdminApiKey_whenSpoolFirstStarts_thenThatKeyIsTheAdminsAndNoneIsWrittenOrPrinted() {
        String chosen = "chosen-admin-key-" + UUID.randomUUID();
        try (var output = CapturedOutput.start();
                var server = TestServer.start(store, Map.of("SPOOL_ADMIN_API_KEY", chosen))) {
            var tasks = server.client(chosen).get("/api/task");

            assertThat(tasks.status()).isEqualTo(200);
            assertThat(server.dataDir().resolve("admin-api-key")).doesNotExist();
            assertThat(output.text()).doesNotContain(chosen);
        }
    }

    @Test
    void givenAnAdminAlready_whenStartedWithAnotherSpoolAdminApiKey_thenItWarnsHowToRotateAndKeepsTheOldKey() {
        String first = "first-admin-key-" + UUID.randomUUID();
        try (var server = TestServer.start(store, Map.of("SPOOL_ADMIN_API_KEY", first));
                var database =
                        Database.open(server.databaseUrl(), server.config().databaseReadTimeout())) {
            var bootstrap = new AdminBootstrap(new Accounts(database, Clock.systemUTC()), server.dataDir());
            String changed = "changed-admin-key-" + UUID.randomUUID();

            try (var output = CapturedOutput.start()) {
                bootstrap.ensureAdmin(Optional.of(changed));

                assertThat(output.text())
                        .contains("WARN")
                        .contains("SPOOL_ADMIN_API_KEY")
                        .contains("spool apikey create")
                        .contains("spool apikey revoke")
                        .doesNotContain(changed);
            }
            try (var output = CapturedOutput.start()) {
                bootstrap.ensureAdmin(Optional.of(first));

                assertThat(output.text()).doesNotContain("SPOOL_ADMIN_API_KEY");
            }
            assertThat(server.client(first).get("/api/task").status()).isEqualTo(200);
            assertThat(server.client(changed).get("/api/task").status()).isEqualTo(401);
        }
    }

    private static String permissions(Path file) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (IOException e) {
            throw new AssertionError("cannot read the permissions of " + file, e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
