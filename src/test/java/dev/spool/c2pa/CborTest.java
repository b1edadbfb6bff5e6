package dev.spool.c2pa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Encodings checked against the examples of RFC 8949, Appendix A. */
class CborTest {
    @Test
    void givenTheRfcExamples_whenEncoded_thenTheBytesAreThePublishedOnes() {
        assertThat(hex(0)).isEqualTo("00");
        assertThat(hex(23)).isEqualTo("17");
        assertThat(hex(24)).isEqualTo("1818");
        assertThat(hex(1000)).isEqualTo("1903e8");
        assertThat(hex(1000000)).isEqualTo("1a000f4240");
        assertThat(hex(1000000000000L)).isEqualTo("1b000000e8d4a51000");
        assertThat(hex(-1)).isEqualTo("20");
        assertThat(hex(-1000)).isEqualTo("3903e7");
        assertThat(hex(false)).isEqualTo("f4");
        assertThat(hex(true)).isEqualTo("f5");
        assertThat(hex(null)).isEqualTo("f6");
        assertThat(hex(new byte[] {1, 2, 3, 4})).isEqualTo("4401020304");
        assertThat(hex("IETF")).isEqualTo("6449455446");
        assertThat(hex("\u00fc")).isEqualTo("62c3bc");
        assertThat(hex(List.of(1, List.of(2, 3), List.of(4, 5)))).isEqualTo("8301820203820405");
        assertThat(hex(new Cbor.Tagged(1, 1363896240))).isEqualTo("c11a514b67b0");
        var map = new LinkedHashMap<String, Object>();
        map.put("a", 1);
        map.put("b", List.of(2, 3));
        assertThat(hex(map)).isEqualTo("a26161016162820203");
        assertThat(hex(Map.of())).isEqualTo("a0");
    }

    private static String hex(Object value) {
        return java.util.HexFormat.of().formatHex(Cbor.encode(value));
    }
}
