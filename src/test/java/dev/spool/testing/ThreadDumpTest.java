package dev.spool.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A request that a server accepts but never answers fails with the path of a dump of every thread of the JVM. */
class ThreadDumpTest {
    @Test
    void givenAServerThatClosesWithoutAnswering_whenTheClientAsks_thenTheFailureNamesAThreadDump() throws Exception {
        try (var server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                // every connection, the client's retry of a GET included, is read from and closed unanswered
                while (!server.isClosed()) {
                    try (var connection = server.accept()) {
                        connection.getInputStream().read();
                    } catch (Exception e) {
                        // closed with the test: the client's side reports what went wrong
                    }
                }
            });
            var client = new ApiClient("http://127.0.0.1:" + server.getLocalPort(), "key");

            var failure = catchThrowableOfType(UncheckedIOException.class, () -> client.get("/api/task/x"));

            assertThat(failure).isNotNull();
            var named = Pattern.compile("every thread of the JVM at that moment: (\\S+)\\)")
                    .matcher(failure.getMessage());
            assertThat(named.find()).as(failure.getMessage()).isTrue();
            Path dump = Path.of(named.group(1));
            assertThat(Files.readString(dump)).contains(Thread.currentThread().getName());
            Files.delete(dump);
        }
    }
}
