package dev.spool.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Moves the fragments of a later chunk to their place on the whole input's timeline. The MP4
 * muxer starts every chunk's fragments at time 0 whatever offset the packets carry, so for
 * fragmented MP4 the decode times ({@code tfdt}) and segment index start times ({@code sidx}) are
 * rewritten in place: same box sizes, only the numbers change.
 */
final class FragmentTimeShift {

    private FragmentTimeShift() {}

    /** Track id to media timescale, read from an initialisation section's {@code tkhd}/{@code mdhd}. */
    static Map<Integer, Long> timescales(Path init) throws IOException {
        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(init));
        Map<Integer, Long> scales = new HashMap<>();
        forEachBox(data, 0, data.limit(), (type, body, end) -> {
            if (type.equals("moov")) {
                forEachBox(data, body, end, (trakType, trakBody, trakEnd) -> {
                    if (trakType.equals("trak")) {
                        int[] id = {0};
                        long[] scale = {0};
                        collectTrack(data, trakBody, trakEnd, id, scale);
                        scales.put(id[0], scale[0]);
                    }
                });
            }
        });
        return scales;
    }

    /** Adds {@code seconds} to every fragment decode time and segment index start time in {@code segment}. */
    static void shift(Path segment, Map<Integer, Long> timescales, double seconds) throws IOException {
        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(segment));
        forEachBox(data, 0, data.limit(), (type, body, end) -> {
            if (type.equals("sidx")) {
                long timescale = Integer.toUnsignedLong(data.getInt(body + 8));
                addTime(data, body, 12, Math.round(seconds * timescale));
            } else if (type.equals("moof")) {
                forEachBox(data, body, end, (trafType, trafBody, trafEnd) -> {
                    if (trafType.equals("traf")) {
                        shiftTraf(data, trafBody, trafEnd, timescales, seconds);
                    }
                });
            }
        });
        Files.write(segment, data.array());
    }

    private static void shiftTraf(ByteBuffer data, int body, int end, Map<Integer, Long> timescales, double seconds)
            throws IOException {
        int[] track = {-1};
        forEachBox(data, body, end, (type, boxBody, boxEnd) -> {
            if (type.equals("tfhd")) {
                track[0] = data.getInt(boxBody + 4);
            } else if (type.equals("tfdt")) {
                Long timescale = timescales.get(track[0]);
                if (timescale == null) {
                    throw new IOException("fragment of track " + track[0] + " has no track in the init section");
                }
                addTime(data, boxBody, 4, Math.round(seconds * timescale));
            }
        });
    }

    /** A full box's time field: 32 bits in version 0, 64 bits in version 1, {@code offset} bytes into the body. */
    private static void addTime(ByteBuffer data, int body, int offset, long delta) throws IOException {
        int at = body + offset;
        if (data.get(body) == 1) {
            data.putLong(at, data.getLong(at) + delta);
        } else {
            long value = Integer.toUnsignedLong(data.getInt(at)) + delta;
            if (value > 0xffffffffL) {
                throw new IOException("a 32-bit fragment time cannot hold " + value);
            }
            data.putInt(at, (int) value);
        }
    }

    private static void collectTrack(ByteBuffer data, int body, int end, int[] id, long[] scale) throws IOException {
        forEachBox(data, body, end, (type, boxBody, boxEnd) -> {
            boolean v1 = data.get(boxBody) == 1;
            if (type.equals("tkhd")) {
                id[0] = data.getInt(boxBody + (v1 ? 20 : 12));
            } else if (type.equals("mdhd")) {
                scale[0] = Integer.toUnsignedLong(data.getInt(boxBody + (v1 ? 20 : 12)));
            } else if (type.equals("mdia")) {
                collectTrack(data, boxBody, boxEnd, id, scale);
            }
        });
    }

    @FunctionalInterface
    private interface BoxVisitor {
        void visit(String type, int body, int end) throws IOException;
    }

    private static void forEachBox(ByteBuffer data, int from, int to, BoxVisitor visitor) throws IOException {
        int at = from;
        while (at + 8 <= to) {
            long size = Integer.toUnsignedLong(data.getInt(at));
            String type = new String(
                    new byte[] {data.get(at + 4), data.get(at + 5), data.get(at + 6), data.get(at + 7)},
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            int header = 8;
            if (size == 1) {
                size = data.getLong(at + 8);
                header = 16;
            } else if (size == 0) {
                size = to - at;
            }
            if (size < header || at + size > to) {
                throw new IOException("malformed MP4 box " + type + " at byte " + at);
            }
            visitor.visit(type, at + header, (int) (at + size));
            at += (int) size;
        }
    }
}
