package dev.spool.c2pa;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * JUMBF boxes (ISO/IEC 19566-5) as C2PA lays out a manifest store: superboxes ({@code jumb}) that start with a
 * description box ({@code jumd}: content type UUID, toggles, label) followed by their content boxes.
 */
final class Jumbf {
    static final byte[] MANIFEST_STORE = type("63327061");
    static final byte[] MANIFEST = type("63326D61");
    static final byte[] ASSERTION_STORE = type("63326173");
    static final byte[] CLAIM = type("6332636C");
    static final byte[] SIGNATURE = type("63326373");
    static final byte[] CBOR = type("63626F72");
    static final byte[] JSON = type("6A736F6E");

    /** Requestable and label present: every C2PA box is addressed by its label. */
    private static final int TOGGLES = 0x03;

    private Jumbf() {}

    /** A C2PA content type: four characters followed by the ISO suffix {@code 0011-0010-8000-00AA00389B71}. */
    private static byte[] type(String fourCharacters) {
        return HexFormat.of().parseHex(fourCharacters + "00110010800000AA00389B71");
    }

    static byte[] superbox(byte[] contentType, String label, List<byte[]> children) {
        return box("jumb", superboxPayload(contentType, label, children));
    }

    /**
     * What a superbox holds after its own header: the description box and the children. C2PA hashes this to
     * reference an assertion.
     */
    static byte[] superboxPayload(byte[] contentType, String label, List<byte[]> children) {
        var payload = new ByteArrayOutputStream();
        payload.writeBytes(description(contentType, label));
        children.forEach(payload::writeBytes);
        return payload.toByteArray();
    }

    static byte[] cborBox(byte[] cbor) {
        return box("cbor", cbor);
    }

    static byte[] jsonBox(byte[] json) {
        return box("json", json);
    }

    static byte[] box(String type, byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length)
                .putInt(8 + payload.length)
                .put(type.getBytes(StandardCharsets.US_ASCII))
                .put(payload)
                .array();
    }

    private static byte[] description(byte[] contentType, String label) {
        byte[] name = label.getBytes(StandardCharsets.UTF_8);
        var payload = ByteBuffer.allocate(16 + 1 + name.length + 1)
                .put(contentType)
                .put((byte) TOGGLES)
                .put(name)
                .put((byte) 0);
        return box("jumd", payload.array());
    }
}
