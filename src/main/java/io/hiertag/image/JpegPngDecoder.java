package io.hiertag.image;

import java.awt.image.BufferedImage;

/**
 * Decodes JPEG and PNG into an {@link RgbImage} with libjpeg-turbo and libpng, the libraries PIL decodes them
 * with, so that the pixels equal the references'. This package defines it and stays free of TensorFlow;
 * {@code model.TensorFlowJpegPngDecoder} implements it with TensorFlow's own decoding ops. Called only after
 * {@link ImageDecoder} has checked the format, the size limits and (for PNG) every chunk's CRC. Thread-safe.
 */
public interface JpegPngDecoder {

    /** The DCT-domain reductions libjpeg offers: 1/1, 1/2, 1/4 and 1/8 of each side, rounded up. */
    int[] SCALES = {1, 2, 4, 8};

    /**
     * @param header read from {@code jpeg}
     * @param decoding which inverse DCT
     * @param scale one of {@link #SCALES}: each side comes out {@code ceil(side / scale)} long
     * @throws InvalidImageException {@code UNREADABLE_IMAGE} for a truncated or corrupt file
     */
    BufferedImage decodeJpeg(byte[] jpeg, JpegHeader header, JpegDecoding decoding, int scale)
            throws InvalidImageException;

    /** @throws InvalidImageException {@code UNREADABLE_IMAGE} for a truncated or corrupt file */
    BufferedImage decodePng(byte[] png) throws InvalidImageException;
}
