package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.HttpReceiver;
import dev.spool.testing.HttpReceiver.Reply;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpUploadTest {
    private static final byte[] FILE = new byte[300_000];
    private final HttpUpload upload = new HttpUpload(new AddressGuard(true), Duration.ofSeconds(30));
    private HttpReceiver receiver;

    static {
        for (int i = 0; i < FILE.length; i++) {
            FILE[i] = (byte) (i % 251);
        }
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void givenReceiver_whenSent_thenBodyArrivesByteIdenticalWithMethodAndHeaders() throws Exception {
        receiver = HttpReceiver.start(r -> Reply.status(201));

        HttpUpload.Answer answer = upload.send(
                URI.create(receiver.url("/put/here?sig=1")),
                "put",
                Map.of("Content-Type", "video/mp4", "X-Token", "secret"),
                new ByteArrayInputStream(FILE),
                FILE.length);

        assertThat(answer.ok()).isTrue();
        HttpReceiver.Received received = receiver.received().get(0);
        assertThat(received.method()).isEqualTo("PUT");
        assertThat(received.pathAndQuery()).isEqualTo("/put/here?sig=1");
        assertThat(received.header("x-token")).isEqualTo("secret");
        assertThat(received.header("content-type")).isEqualTo("video/mp4");
        assertThat(received.header("content-length")).isEqualTo(Integer.toString(FILE.length));
        assertThat(received.body()).isEqualTo(FILE);
    }

    @Test
    void givenReceiverAnswering403_whenRequired_thenUnretriableNamingTheStatus() throws Exception {
        receiver = HttpReceiver.start(r -> Reply.status(403));

        HttpUpload.Answer answer = upload.send(
                URI.create(receiver.url("/x")), "PUT", Map.of(), new ByteArrayInputStream(FILE), FILE.length);

        assertThatThrownBy(() -> answer.requireOk("the export URL"))
                .isInstanceOfSatisfying(DestinationException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).isEqualTo("the export URL answered HTTP 403");
                });
    }

    @Test
    void givenReceiverAnswering502_whenRequired_thenRetriable() throws Exception {
        receiver = HttpReceiver.start(r -> Reply.status(502));

        HttpUpload.Answer answer = upload.send(
                URI.create(receiver.url("/x")), "POST", Map.of(), new ByteArrayInputStream(FILE), FILE.length);

        assertThatThrownBy(() -> answer.requireOk("the export URL"))
                .isInstanceOfSatisfying(
                        DestinationException.class,
                        e -> assertThat(e.retriable()).isTrue());
    }

    @Test
    void givenGuardRefusingPrivateAddresses_whenSentToLoopback_thenUnretriableAndNothingArrives() {
        receiver = HttpReceiver.start(r -> Reply.status(200));
        HttpUpload guarded = new HttpUpload(new AddressGuard(false), Duration.ofSeconds(30));

        assertThatThrownBy(() -> guarded.send(
                        URI.create(receiver.url("/x")), "PUT", Map.of(), new ByteArrayInputStream(FILE), FILE.length))
                .isInstanceOfSatisfying(DestinationException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("loopback");
                });
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void givenNothingListening_whenSent_thenRetriable() {
        receiver = HttpReceiver.start(r -> Reply.status(200));
        String url = receiver.url("/x");
        receiver.close();

        assertThatThrownBy(() ->
                        upload.send(URI.create(url), "PUT", Map.of(), new ByteArrayInputStream(FILE), FILE.length))
                .isInstanceOfSatisfying(
                        DestinationException.class,
                        e -> assertThat(e.retriable()).isTrue());
    }
}
