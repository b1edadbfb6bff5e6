package dev.spool.c2pa;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The subset of CBOR (RFC 8949) a C2PA manifest needs, always with definite lengths: maps keep the order they are
 * given in, so an encoding is reproducible.
 */
final class Cbor {
    /** A value under a CBOR tag, such as COSE_Sign1's tag 18. */
    record Tagged(long tag, Object value) {}

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private Cbor() {}

    /** Maps (text or integer keys), lists, text, byte strings, integers, booleans and {@code null}. */
    static byte[] encode(Object value) {
        var cbor = new Cbor();
        cbor.write(value);
        return cbor.out.toByteArray();
    }

    private void write(Object value) {
        switch (value) {
            case null -> out.write(0xf6);
            case Boolean b -> out.write(b ? 0xf5 : 0xf4);
            case Integer i -> integer(i);
            case Long l -> integer(l);
            case String s -> {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                head(3, utf8.length);
                out.writeBytes(utf8);
            }
            case byte[] bytes -> {
                head(2, bytes.length);
                out.writeBytes(bytes);
            }
            case List<?> list -> {
                head(4, list.size());
                list.forEach(this::write);
            }
            case Map<?, ?> map -> {
                head(5, map.size());
                map.forEach((k, v) -> {
                    write(k);
                    write(v);
                });
            }
            case Tagged tagged -> {
                head(6, tagged.tag());
                write(tagged.value());
            }
            default ->
                throw new IllegalArgumentException(
                        "no CBOR form for " + value.getClass().getSimpleName());
        }
    }

    private void integer(long n) {
        if (n >= 0) {
            head(0, n);
        } else {
            head(1, -1 - n);
        }
    }

    private void head(int major, long n) {
        int type = major << 5;
        if (n < 24) {
            out.write(type | (int) n);
        } else if (n < 0x100) {
            out.write(type | 24);
            out.write((int) n);
        } else if (n < 0x10000) {
            out.write(type | 25);
            out.write((int) (n >> 8));
            out.write((int) n);
        } else if (n < 0x100000000L) {
            out.write(type | 26);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((int) (n >> shift));
            }
        } else {
            out.write(type | 27);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (n >> shift));
            }
        }
    }
}
