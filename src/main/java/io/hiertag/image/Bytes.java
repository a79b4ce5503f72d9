package io.hiertag.image;

import java.nio.charset.StandardCharsets;

/** Reads the fixed-width fields of image file headers, which come in both byte orders. */
final class Bytes {

    private Bytes() {
    }

    static int u16(byte[] b, int i, boolean littleEndian) {
        return littleEndian ? (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 : (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    static long u32(byte[] b, int i, boolean littleEndian) {
        return littleEndian ? (u16(b, i, true) | (long) u16(b, i + 2, true) << 16)
                : ((long) u16(b, i, false) << 16 | u16(b, i + 2, false));
    }

    /** {@code n} bytes at {@code at} as ISO-8859-1 text, or "" when the array ends before them. */
    static String ascii(byte[] b, int at, int n) {
        return b.length < at + n ? "" : new String(b, at, n, StandardCharsets.ISO_8859_1);
    }
}
