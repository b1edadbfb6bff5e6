package dev.spool.media;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Whether a file's layout lets ffprobe and ffmpeg read it from its first byte on without anything from its end, so the
 * encode can start while the file still arrives: an MP4/MOV whose index (moov) comes before its media (fast start, as
 * files made for the web are). An MP4 written with its index last, as ffmpeg and most cameras do by default, needs the
 * whole file first; so does MPEG-TS, whose duration ffprobe reads from its last packets, and any layout not
 * recognised from the head, which is the safe answer.
 */
final class ArrivalOrder {
    /** How much of the head decides: the boxes before moov or mdat are small (ftyp, free, wide). */
    static final int HEAD_BYTES = 64 * 1024;

    private ArrivalOrder() {}

    static boolean readableFromTheStart(byte[] head) {
        ByteBuffer boxes = ByteBuffer.wrap(head);
        while (boxes.remaining() >= 8) {
            int start = boxes.position();
            long size = Integer.toUnsignedLong(boxes.getInt());
            String type = new String(head, start + 4, 4, StandardCharsets.ISO_8859_1);
            boxes.position(start + 8);
            if (type.equals("moov")) {
                return true;
            }
            if (type.equals("mdat")) {
                return false;
            }
            if (size == 1 && boxes.remaining() >= 8) {
                size = boxes.getLong();
            }
            if (size < 8 || start + size > head.length) {
                return false;
            }
            boxes.position((int) (start + size));
        }
        return false;
    }
}
