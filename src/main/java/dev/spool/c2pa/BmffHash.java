package dev.spool.c2pa;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The C2PA BMFF hard binding, version 2 ({@code c2pa.hash.bmff.v2}): SHA-256 over every top-level box that is not
 * excluded, each preceded by its file offset as a big-endian 64-bit number. Excluded are the exclusions the
 * specification requires: {@code ftyp}, {@code mfra} and the C2PA {@code uuid} box itself. Read as a stream.
 */
final class BmffHash {
    static final String LABEL = "c2pa.hash.bmff.v2";
    /** The extended type of the {@code uuid} box that carries a C2PA manifest store. */
    static final byte[] C2PA_UUID = {
        (byte) 0xd8,
        (byte) 0xfe,
        (byte) 0xc3,
        (byte) 0xd6,
        0x1b,
        0x0e,
        0x48,
        0x3c,
        (byte) 0x92,
        (byte) 0x97,
        0x58,
        0x28,
        (byte) 0x87,
        0x7e,
        (byte) 0xc4,
        (byte) 0x81
    };

    private static final Set<String> EXCLUDED = Set.of("ftyp", "mfra");

    private BmffHash() {}

    /** The assertion's CBOR map, naming the exclusions a validator must apply. */
    static Map<String, Object> assertion(byte[] hash) {
        var map = new LinkedHashMap<String, Object>();
        map.put(
                "exclusions",
                List.of(
                        Map.of("xpath", "/uuid", "data", List.of(orderedMap("offset", 8, "value", C2PA_UUID))),
                        Map.of("xpath", "/ftyp"),
                        Map.of("xpath", "/mfra")));
        map.put("alg", "sha256");
        map.put("hash", hash);
        map.put("name", "jumbf manifest");
        return map;
    }

    private static Map<String, Object> orderedMap(String k1, Object v1, String k2, Object v2) {
        var map = new LinkedHashMap<String, Object>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }

    static byte[] of(Path file) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        try (var channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            long offset = 0;
            var header = ByteBuffer.allocate(32);
            while (offset < length) {
                header.clear().limit((int) Math.min(32, length - offset));
                channel.read(header, offset);
                header.flip();
                if (header.remaining() < 8) {
                    throw new IOException("truncated box header at offset " + offset);
                }
                long size = header.getInt(0) & 0xffffffffL;
                String type = new String(header.array(), 4, 4, StandardCharsets.US_ASCII);
                if (size == 1) {
                    size = header.getLong(8);
                } else if (size == 0) {
                    size = length - offset;
                }
                if (size < 8 || offset + size > length) {
                    throw new IOException("box '" + type + "' at offset " + offset + " has an invalid size " + size);
                }
                if (!excluded(type, header)) {
                    sha256.update(ByteBuffer.allocate(8).putLong(offset).array());
                    digest(channel, offset, size, sha256);
                }
                offset += size;
            }
        }
        return sha256.digest();
    }

    private static boolean excluded(String type, ByteBuffer header) {
        if (EXCLUDED.contains(type)) {
            return true;
        }
        return type.equals("uuid") && header.limit() >= 24 && Arrays.equals(header.array(), 8, 24, C2PA_UUID, 0, 16);
    }

    private static void digest(FileChannel channel, long from, long size, MessageDigest sha256) throws IOException {
        channel.position(from);
        InputStream in = Channels.newInputStream(channel);
        byte[] buffer = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException("file ended inside a box");
            }
            sha256.update(buffer, 0, n);
            left -= n;
        }
    }
}
