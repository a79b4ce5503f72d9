package io.hiertag.image;

import io.hiertag.image.InvalidImageException.Reason;
import java.util.zip.CRC32;

/**
 * Walks a PNG's chunks from the signature to IEND and checks each one's CRC, before anything is decoded (and
 * the size from IHDR against the pixel limit before that, so that a bomb's reason is its size). A wrong
 * CRC means the file was damaged, yet neither decoder notices every one: libpng (inside TensorFlow) only warns
 * about ancillary chunks, and PIL checks only the chunks before the image data. CRC-32 runs at several GB/s, a
 * small cost next to inflating the same bytes.
 */
final class PngChunks {

    private static final int SIGNATURE = 8;

    private PngChunks() {
    }

    static void verify(byte[] png, PixelLimit limit) throws InvalidImageException {
        if (png.length >= SIGNATURE + 16 && Bytes.ascii(png, 12, 4).equals("IHDR")) {
            limit.check(ImageFormat.PNG, Bytes.u32(png, 16, false), Bytes.u32(png, 20, false));
        }
        CRC32 crc = new CRC32();
        int pos = SIGNATURE;
        while (true) {
            if (pos + 8 > png.length) {
                throw damaged("is truncated: it ends after " + png.length + " bytes, before its IEND chunk");
            }
            long length = Bytes.u32(png, pos, false);
            String type = Bytes.ascii(png, pos + 4, 4);
            if (length > png.length - pos - 12L) {
                throw damaged("is truncated: its " + type + " chunk at byte " + pos + " declares " + length
                        + " bytes, more than the file has left");
            }
            int data = pos + 8;
            crc.reset();
            crc.update(png, pos + 4, 4 + (int) length);
            if (crc.getValue() != Bytes.u32(png, data + (int) length, false)) {
                throw damaged("is corrupt: its " + type + " chunk at byte " + pos + " fails its CRC check");
            }
            if (pos == SIGNATURE && !type.equals("IHDR")) {
                throw damaged("is corrupt: it does not start with an IHDR chunk");
            }
            if (type.equals("IEND")) {
                return;
            }
            pos = data + (int) length + 4;
        }
    }

    private static InvalidImageException damaged(String what) {
        return new InvalidImageException(Reason.UNREADABLE_IMAGE, "the PNG image " + what);
    }
}
