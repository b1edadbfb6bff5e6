package dev.spool.ipfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.storage.DestinationException;
import dev.spool.testing.HttpReceiver;
import dev.spool.testing.HttpReceiver.Reply;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IpfsBackendsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Three chunks and a bit: the part must be streamed whole. */
    private static final byte[] FILE = bytes(800_000);

    private static final String FILE_CID = UnixFsCid.of(FILE);

    private HttpReceiver service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void givenPinataAnsweringTheFilesCid_whenPinnedWithAJwt_thenTheFileArrivesAndTheCidIsKept() throws Exception {
        service = HttpReceiver.start(r -> Reply.json(
                200, "{\"IpfsHash\":\"" + FILE_CID + "\",\"PinSize\":800000,\"Timestamp\":\"2026-12-02T10:00:00Z\"}"));

        IpfsBackend.Added added = IpfsPins.pin(
                pinata(new PinataBackend.Credentials("the-jwt", null, null)),
                "asset-abc",
                "video/mp4",
                new ByteArrayInputStream(FILE),
                FILE.length);

        assertThat(added.cid()).isEqualTo(FILE_CID);
        assertThat(added.answer().path("PinSize").asLong()).isEqualTo(800_000);
        HttpReceiver.Received request = service.received().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.pathAndQuery()).isEqualTo("/pinning/pinFileToIPFS");
        assertThat(request.header("authorization")).isEqualTo("Bearer the-jwt");
        assertThat(request.part("file")).isEqualTo(FILE);
        assertThat(request.partHeaders("file"))
                .contains("filename=\"asset-abc\"")
                .contains("video/mp4");
        assertThat(request.partText("pinataOptions")).isEqualTo("{\"cidVersion\":0}");
        assertThat(request.partText("pinataMetadata")).isEqualTo("{\"name\":\"asset-abc\"}");
    }

    @Test
    void givenApiKeyAndSecret_whenPinned_thenPinatasKeyHeaders() throws Exception {
        service = HttpReceiver.start(r -> Reply.json(200, "{\"IpfsHash\":\"" + FILE_CID + "\"}"));

        IpfsPins.pin(
                pinata(new PinataBackend.Credentials(null, "key", "secret")),
                "f",
                "video/mp4",
                new ByteArrayInputStream(FILE),
                FILE.length);

        HttpReceiver.Received request = service.received().get(0);
        assertThat(request.header("pinata_api_key")).isEqualTo("key");
        assertThat(request.header("pinata_secret_api_key")).isEqualTo("secret");
        assertThat(request.header("authorization")).isNull();
    }

    @Test
    void givenPinataAnsweringAnotherCid_whenPinned_thenUnretriableMismatchNamingBoth() {
        String wrong = UnixFsCid.of(new byte[] {1});
        service = HttpReceiver.start(r -> Reply.json(200, "{\"IpfsHash\":\"" + wrong + "\"}"));

        assertThatThrownBy(() -> IpfsPins.pin(
                        pinata(new PinataBackend.Credentials("jwt", null, null)),
                        "f",
                        "video/mp4",
                        new ByteArrayInputStream(FILE),
                        FILE.length))
                .isInstanceOfSatisfying(DestinationException.class, e -> {
                    assertThat(e.code()).isEqualTo("cid_mismatch");
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains(wrong).contains(FILE_CID);
                });
    }

    @Test
    void givenPinataRefusingTheCredentials_whenPinned_thenUnretriableNamingTheAccountProblem() {
        service = HttpReceiver.start(r -> Reply.json(401, "{\"error\":\"Invalid authentication\"}"));

        assertThatThrownBy(() -> IpfsPins.pin(
                        pinata(new PinataBackend.Credentials("bad", null, null)),
                        "f",
                        "video/mp4",
                        new ByteArrayInputStream(FILE),
                        FILE.length))
                .isInstanceOfSatisfying(DestinationException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage())
                            .contains("Pinata refused the credentials")
                            .contains("401");
                });
    }

    @Test
    void givenPinataFailingOrThrottling_whenPinned_thenRetriable() {
        for (int status : new int[] {429, 503}) {
            service = HttpReceiver.start(r -> Reply.status(status));
            assertThatThrownBy(() -> IpfsPins.pin(
                            pinata(new PinataBackend.Credentials("jwt", null, null)),
                            "f",
                            "video/mp4",
                            new ByteArrayInputStream(FILE),
                            FILE.length))
                    .isInstanceOfSatisfying(DestinationException.class, e -> {
                        assertThat(e.retriable()).isTrue();
                        assertThat(e.getMessage()).contains("HTTP " + status);
                    });
            service.close();
        }
        service = null;
    }

    @Test
    void givenKuboNodeAnsweringTheFilesCid_whenPinned_thenAddIsCalledWithKubosDefaults() throws Exception {
        service = HttpReceiver.start(
                r -> Reply.json(200, "{\"Name\":\"asset-abc\",\"Hash\":\"" + FILE_CID + "\",\"Size\":\"800213\"}\n"));

        IpfsBackend.Added added = IpfsPins.pin(
                new KuboBackend(service.url("/"), TIMEOUT),
                "asset-abc",
                "video/mp4",
                new ByteArrayInputStream(FILE),
                FILE.length);

        assertThat(added.cid()).isEqualTo(FILE_CID);
        HttpReceiver.Received request = service.received().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.pathAndQuery())
                .startsWith("/api/v0/add?")
                .contains("pin=true")
                .contains("cid-version=0");
        assertThat(request.part("file")).isEqualTo(FILE);
    }

    @Test
    void givenKuboNodeAnsweringAnotherCid_whenPinned_thenUnretriableMismatch() {
        String wrong = UnixFsCid.of(new byte[] {2});
        service =
                HttpReceiver.start(r -> Reply.json(200, "{\"Name\":\"f\",\"Hash\":\"" + wrong + "\",\"Size\":\"9\"}"));

        assertThatThrownBy(() -> IpfsPins.pin(
                        new KuboBackend(service.url(""), TIMEOUT),
                        "f",
                        "video/mp4",
                        new ByteArrayInputStream(FILE),
                        FILE.length))
                .isInstanceOfSatisfying(DestinationException.class, e -> {
                    assertThat(e.code()).isEqualTo("cid_mismatch");
                    assertThat(e.getMessage()).contains("the IPFS node at " + service.url(""));
                });
    }

    private PinataBackend pinata(PinataBackend.Credentials credentials) {
        return new PinataBackend(service.url("/"), credentials, TIMEOUT);
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 7 + i / 1000);
        }
        return bytes;
    }
}
