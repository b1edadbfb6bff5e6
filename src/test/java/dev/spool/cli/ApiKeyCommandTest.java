package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import picocli.CommandLine;

/** {@code spool apikey create|list|revoke} against the database of a running server. */
@BothStores
class ApiKeyCommandTest {
    /** How long a key already seen stays accepted after its revocation (the server's auth cache). */
    private static final Duration AUTH_CACHE = Duration.ofSeconds(5);

    @RegisterExtension
    static final SharedServers servers = new SharedServers();

    @Parameter
    Store store;

    TestServer server;

    private record CliRun(int exitCode, String out) {
        String line(String label) {
            Matcher matcher = Pattern.compile("(?m)^" + label + ":\\s+(\\S+)$").matcher(out);
            assertThat(matcher.find()).as("a '%s:' line in %s", label, out).isTrue();
            return matcher.group(1);
        }
    }

    @BeforeEach
    void connect() {
        server = servers.on(store);
    }

    @Test
    void givenARunningServer_whenAKeyIsCreatedForANewUser_thenItAuthenticatesAsThatUserOnly() {
        var created =
                spool("apikey", "create", "--email", "cli-" + UUID.randomUUID() + "@example.com", "--name", "laptop");

        assertThat(created.exitCode()).isZero();
        var client = server.client(created.line("secret"));
        var tasks = client.get("/api/task");
        assertThat(tasks.status()).isEqualTo(200);
        assertThat(tasks.body()).isEqualTo("[]");
        assertThat(client.post("/api/task", "{\"type\": \"upload\", \"params\": {\"upload\": {}}}")
                        .status())
                .as("a new user is no admin")
                .isEqualTo(403);
    }

    @Test
    void givenCreatedKeys_whenListed_thenEachIdAndNameIsShownButNeverASecret() {
        var created = spool(
                "apikey", "create", "--email", "lister-" + UUID.randomUUID() + "@example.com", "--name", "build-box");

        var listed = spool("apikey", "list");

        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).contains(created.line("id")).contains("build-box");
        assertThat(listed.out()).doesNotContain(created.line("secret")).doesNotContain(server.adminKey());
    }

    @Test
    void givenAKeyInUse_whenRevoked_thenItIsRefusedOnceTheAuthCacheForgetsIt() throws InterruptedException {
        var created = spool("apikey", "create", "--email", "revoked-" + UUID.randomUUID() + "@example.com");
        var client = server.client(created.line("secret"));
        assertThat(client.get("/api/task").status()).isEqualTo(200);

        var revoked = spool("apikey", "revoke", created.line("id"));
        long revokedAt = System.nanoTime();

        assertThat(revoked.exitCode()).isZero();
        int status = client.get("/api/task").status();
        while (status == 200
                && System.nanoTime() - revokedAt < AUTH_CACHE.plusSeconds(2).toNanos()) {
            Thread.sleep(250);
            status = client.get("/api/task").status();
        }
        assertThat(status).isEqualTo(401);
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThanOrEqualTo(AUTH_CACHE.plusSeconds(1));
    }

    @Test
    void givenAnUnknownKeyId_whenRevoked_thenTheCommandFails() {
        var revoked = spool("apikey", "revoke", UUID.randomUUID().toString());

        assertThat(revoked.exitCode()).isEqualTo(1);
    }

    /** Runs a subcommand the way {@code java -jar spool.jar ...} would, against the server's data dir and database. */
    private CliRun spool(String... args) {
        var command = new String[args.length + 4];
        System.arraycopy(args, 0, command, 0, args.length);
        command[args.length] = "--data-dir";
        command[args.length + 1] = server.dataDir().toString();
        command[args.length + 2] = "--database-url";
        command[args.length + 3] = server.databaseUrl();
        var out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exitCode = new CommandLine(new Main()).execute(command);
            return new CliRun(exitCode, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }
}
