package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressGuardTest {

    private final AddressGuard strict = new AddressGuard(false);

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "http://127.0.0.1/x           | loopback address",
                "http://127.9.8.7/x           | loopback address",
                "http://localhost:8080/x      | loopback address",
                "http://LocalHost./x          | loopback address",
                "http://api.localhost/x       | loopback address",
                "http://[::1]/x               | loopback address",
                "http://10.0.0.1/x            | private address",
                "http://172.16.0.1/x          | private address",
                "http://172.31.255.255/x      | private address",
                "http://192.168.1.20/x        | private address",
                "http://[fc00::1]/x           | private address",
                "http://[fd12:3456::1]/x      | private address",
                "http://169.254.10.20/x       | link-local address",
                "http://[fe80::1]/x           | link-local address",
                "http://0.0.0.0/x             | unspecified address",
                "http://[::]/x                | unspecified address",
                "http://224.0.0.1/x           | multicast address",
                "http://[ff02::1]/x           | multicast address",
                "http://100.64.0.1/x          | carrier-grade NAT address",
                "http://100.127.255.254/x     | carrier-grade NAT address",
                "http://255.255.255.255/x     | reserved address",
                "http://169.254.169.254/x     | cloud metadata address",
                "http://[fd00:ec2::254]/x     | cloud metadata address",
                "http://metadata.google.internal/x | cloud metadata address",
                "http://[::ffff:127.0.0.1]/x  | loopback address",
                "http://[::ffff:10.1.2.3]/x   | private address",
                "http://[::ffff:169.254.169.254]/x | cloud metadata address",
                "http://[64:ff9b::a00:1]/x    | private address",
                "http://[2002:7f00:1::]/x     | loopback address",
                "http://[fe80::1%25eth0]/x    | zone-scoped address",
                "http://[fe80::1%eth0]/x      | zone-scoped address",
                "http://192.0.0.8/x           | reserved address",
                "http://192.88.99.1/x         | reserved address",
                "http://192.0.2.10/x          | documentation address",
                "http://198.51.100.7/x        | documentation address",
                "http://203.0.113.200/x       | documentation address",
                "http://198.18.0.1/x          | benchmarking address",
                "http://198.19.255.254/x      | benchmarking address",
                "http://240.1.2.3/x           | reserved address",
                "http://[64:ff9b:1::a00:1]/x  | reserved address",
                "http://[100::1]/x            | reserved address",
                "http://[2001::1]/x           | reserved address",
                "http://[2001:2::5]/x         | reserved address",
                "http://[2001:db8::1]/x       | documentation address",
                "http://[3fff:1::1]/x         | documentation address",
                "http://[5f00::1]/x           | reserved address",
                "http://[2002:c612:1::]/x     | benchmarking address",
                "http://[::ffff:198.18.0.1]/x | benchmarking address",
            })
    void givenStrictGuard_whenCheckingRefusedAddress_thenRefusesUnretriablyNamingTheReason(String url, String reason) {
        FetchException refused = catchThrowableOfType(FetchException.class, () -> strict.check(URI.create(url)));

        assertThat(refused).isNotNull();
        assertThat(refused.code()).isEqualTo(FetchException.ADDRESS_REFUSED);
        assertThat(refused.retriable()).isFalse();
        assertThat(refused.getMessage())
                .startsWith("refusing to import from ")
                .contains("(" + reason)
                .endsWith("; set SPOOL_IMPORT_ALLOW_PRIVATE=true to allow private addresses");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://93.184.216.34/x", "https://8.8.8.8/x", "http://172.32.0.1/x", "http://172.15.255.255/x",
                "http://100.128.0.1/x", "http://169.253.0.1/x", "http://[2606:4700:4700::1111]/x",
                        "http://[64:ff9b::808:808]/x",
                "http://198.17.255.255/x", "http://198.20.0.1/x", "http://192.0.3.1/x",
                        "http://[2001:4860:4860::8888]/x",
                "http://[2002:808:808::]/x",
            })
    void givenStrictGuard_whenCheckingPublicAddress_thenAllowsIt(String url) {
        assertThatCode(() -> strict.check(URI.create(url))).doesNotThrowAnyException();
    }

    @Test
    void givenRefusedMessage_whenHostIsAName_thenShowsNameAndAddress() throws Exception {
        AddressGuard guard = new AddressGuard(false, host -> new InetAddress[] {InetAddress.getByName("10.1.2.3")});

        FetchException refused = catchThrowableOfType(
                FetchException.class, () -> guard.check(URI.create("https://media.example.com/a.mp4")));

        assertThat(refused.getMessage())
                .startsWith("refusing to import from media.example.com (10.1.2.3, private address)");
    }

    @Test
    void givenNameWithPublicAndPrivateAddresses_whenChecking_thenRefusesBecauseEveryAddressIsChecked()
            throws Exception {
        InetAddress[] mixed = {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("127.0.0.1")};
        AddressGuard guard = new AddressGuard(false, host -> mixed);

        FetchException refused = catchThrowableOfType(
                FetchException.class, () -> guard.check(URI.create("https://rebind.example/a.mp4")));

        assertThat(refused.code()).isEqualTo(FetchException.ADDRESS_REFUSED);
        assertThat(refused.getMessage()).contains("127.0.0.1, loopback address");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"http://127.0.0.1:8080/x", "http://[::1]/x", "http://169.254.169.254/x", "http://localhost/x"})
    void givenPermissiveGuard_whenCheckingPrivateAddress_thenAllowsIt(String url) {
        AddressGuard permissive = new AddressGuard(true);

        assertThatCode(() -> permissive.check(URI.create(url))).doesNotThrowAnyException();
    }

    @Test
    void givenUnknownHost_whenChecking_thenFailsUnreachableAndUnretriable() {
        AddressGuard guard = new AddressGuard(false, host -> {
            throw new UnknownHostException(host);
        });

        FetchException failure = catchThrowableOfType(
                FetchException.class, () -> guard.check(URI.create("https://no-such-host.example/a.mp4")));

        assertThat(failure.code()).isEqualTo(FetchException.SOURCE_UNREACHABLE);
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.getMessage()).isEqualTo("cannot resolve host no-such-host.example");
    }

    @Test
    void givenIpv6AddressObjectHoldingMappedIpv4_whenClassifying_thenUsesTheEmbeddedAddress() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 192;
        mapped[13] = (byte) 168;
        mapped[14] = 1;
        mapped[15] = 1;
        InetAddress address = Inet6Address.getByAddress(null, mapped, -1);

        assertThat(AddressGuard.refusalReason(address)).contains("private address");
    }

    @Test
    void givenUrlWithoutHost_whenChecking_thenFailsInvalidUrl() {
        FetchException failure =
                catchThrowableOfType(FetchException.class, () -> strict.check(URI.create("http:///x")));

        assertThat(failure.code()).isEqualTo(FetchException.INVALID_URL);
    }
}
