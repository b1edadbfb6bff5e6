package dev.spool.c2pa;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JUMBF layout C2PA reads: a superbox is its size, "jumb", a description box, then its content boxes. */
class JumbfTest {
    @Test
    void givenASuperboxWithOneCborBox_whenWritten_thenTheLayoutIsSizeTypeDescriptionAndContent() {
        byte[] content = Jumbf.cborBox(new byte[] {(byte) 0xa0});

        byte[] box = Jumbf.superbox(Jumbf.CBOR, "c2pa.actions", List.of(content));

        var read = ByteBuffer.wrap(box);
        assertThat(read.getInt()).isEqualTo(box.length);
        assertThat(type(read)).isEqualTo("jumb");
        int descriptionSize = read.getInt();
        assertThat(descriptionSize).isEqualTo(8 + 16 + 1 + "c2pa.actions".length() + 1);
        assertThat(type(read)).isEqualTo("jumd");
        byte[] uuid = new byte[16];
        read.get(uuid);
        assertThat(HexFormat.of().withUpperCase().formatHex(uuid)).isEqualTo("63626F7200110010800000AA00389B71");
        assertThat(read.get()).as("toggles: requestable, label present").isEqualTo((byte) 0x03);
        byte[] label = new byte[13];
        read.get(label);
        assertThat(new String(label, StandardCharsets.UTF_8)).isEqualTo("c2pa.actions\0");
        assertThat(read.getInt()).isEqualTo(9);
        assertThat(type(read)).isEqualTo("cbor");
        assertThat(read.get()).isEqualTo((byte) 0xa0);
        assertThat(read.hasRemaining()).isFalse();
    }

    @Test
    void givenTheC2paContentTypes_whenListed_thenTheyAreTheSpecifiedUuids() {
        assertThat(HexFormat.of().withUpperCase().formatHex(Jumbf.MANIFEST_STORE))
                .isEqualTo("6332706100110010800000AA00389B71");
        assertThat(HexFormat.of().withUpperCase().formatHex(Jumbf.MANIFEST))
                .isEqualTo("63326D6100110010800000AA00389B71");
        assertThat(HexFormat.of().withUpperCase().formatHex(Jumbf.ASSERTION_STORE))
                .isEqualTo("6332617300110010800000AA00389B71");
        assertThat(HexFormat.of().withUpperCase().formatHex(Jumbf.CLAIM)).isEqualTo("6332636C00110010800000AA00389B71");
        assertThat(HexFormat.of().withUpperCase().formatHex(Jumbf.SIGNATURE))
                .isEqualTo("6332637300110010800000AA00389B71");
    }

    private static String type(ByteBuffer read) {
        byte[] type = new byte[4];
        read.get(type);
        return new String(type, StandardCharsets.US_ASCII);
    }
}
