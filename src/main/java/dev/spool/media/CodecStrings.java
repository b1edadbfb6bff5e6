package dev.spool.media;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * RFC 6381 codec strings for the master playlist's CODECS attribute, read from the encoded
 * streams' own parameter sets so they state the real profile and level.
 */
final class CodecStrings {

    /** VP9 levels (Annex A of the VP9 bitstream spec): level, max luma picture size, max luma sample rate. */
    private static final long[][] VP9_LEVELS = {
        {10, 36_864L, 829_440L}, {11, 73_728L, 2_764_800L}, {20, 122_880L, 4_608_000L},
        {21, 245_760L, 9_216_000L}, {30, 552_960L, 20_736_000L}, {31, 983_040L, 36_864_000L},
        {40, 2_228_224L, 83_558_400L}, {41, 2_228_224L, 160_432_128L}, {50, 8_912_896L, 311_951_360L},
        {51, 8_912_896L, 588_251_136L}, {52, 8_912_896L, 1_176_502_272L}, {60, 35_651_584L, 1_176_502_272L},
        {61, 35_651_584L, 2_353_004_544L}, {62, 35_651_584L, 4_706_009_088L}
    };

    private CodecStrings() {}

    /** AAC as Spool encodes it: the low-complexity profile, or HE-AAC when a source stream is copied. */
    static String aac(String profile) {
        if (profile != null && profile.toUpperCase(Locale.ROOT).contains("HE-AACV2")) {
            return "mp4a.40.29";
        }
        if (profile != null && profile.toUpperCase(Locale.ROOT).startsWith("HE")) {
            return "mp4a.40.5";
        }
        return "mp4a.40.2";
    }

    /** avc1.PPCCLL: profile_idc, constraint flags and level_idc of the sequence parameter set. */
    static String h264(byte[] extradata) {
        if (extradata.length >= 4 && extradata[0] == 1) {
            return String.format("avc1.%02x%02x%02x", extradata[1] & 0xff, extradata[2] & 0xff, extradata[3] & 0xff);
        }
        for (int i = 0; i + 6 < extradata.length; i++) {
            if (extradata[i] == 0 && extradata[i + 1] == 0 && extradata[i + 2] == 1 && (extradata[i + 3] & 0x1f) == 7) {
                return String.format(
                        "avc1.%02x%02x%02x", extradata[i + 4] & 0xff, extradata[i + 5] & 0xff, extradata[i + 6] & 0xff);
            }
        }
        throw new IllegalArgumentException("no H.264 sequence parameter set in the stream's extradata");
    }

    /**
     * hvc1.[A-C]P.C.TL.B...: profile space and idc, compatibility flags in reverse bit order, tier and
     * level, then the constraint bytes without trailing zero bytes (ISO/IEC 14496-15 Annex E).
     */
    static String hevc(byte[] hvcc) {
        if (hvcc.length < 13 || hvcc[0] != 1) {
            throw new IllegalArgumentException("no HEVC decoder configuration record in the stream's extradata");
        }
        int first = hvcc[1] & 0xff;
        int space = first >> 6;
        boolean highTier = (first & 0x20) != 0;
        int profile = first & 0x1f;
        long compat =
                ((hvcc[2] & 0xffL) << 24) | ((hvcc[3] & 0xffL) << 16) | ((hvcc[4] & 0xffL) << 8) | (hvcc[5] & 0xffL);
        long reversed = Integer.toUnsignedLong(Integer.reverse((int) compat));
        StringBuilder out = new StringBuilder("hvc1.");
        if (space > 0) {
            out.append((char) ('A' + space - 1));
        }
        out.append(profile)
                .append('.')
                .append(Long.toHexString(reversed).toUpperCase(Locale.ROOT))
                .append('.')
                .append(highTier ? 'H' : 'L')
                .append(hvcc[12] & 0xff);
        int lastNonZero = 11;
        while (lastNonZero >= 6 && hvcc[lastNonZero] == 0) {
            lastNonZero--;
        }
        for (int i = 6; i <= lastNonZero; i++) {
            out.append('.').append(String.format("%02X", hvcc[i] & 0xff));
        }
        return out.toString();
    }

    /** vp09.PP.LL.DD: profile, the lowest level that fits the picture size and sample rate, bit depth. */
    static String vp9(int profile, int width, int height, double fps, int bitDepth) {
        long picture = (long) width * height;
        double rate = picture * fps;
        long level = 62;
        for (long[] row : VP9_LEVELS) {
            if (picture <= row[1] && rate <= row[2]) {
                level = row[0];
                break;
            }
        }
        return String.format(Locale.ROOT, "vp09.%02d.%02d.%02d", profile, level, bitDepth);
    }

    /** ffprobe's {@code -show_data} hex dump ("00000000: 0000 0167 ...  ascii") back to bytes. */
    static byte[] fromHexDump(String dump) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String line : dump.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon < 0) {
                continue;
            }
            String hex = line.substring(colon + 2);
            int ascii = hex.indexOf("  ");
            hex = (ascii >= 0 ? hex.substring(0, ascii) : hex).replace(" ", "");
            for (int i = 0; i + 1 < hex.length(); i += 2) {
                bytes.write(Integer.parseInt(hex.substring(i, i + 2), 16));
            }
        }
        return bytes.toByteArray();
    }
}
