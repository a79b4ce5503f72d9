package io.hiertag.image;

import java.awt.image.BufferedImage;

/**
 * Decodes JPEG and PNG into an {@link RgbImage} with libjpeg-turbo and libpng, the libraries PIL decodes them
 * with, so that the pixels equal the references'. This package defines it and stays free of TensorFlow;
 * {@code model.TensorFlowJpegPngDecoder} implements it with TensorFlow's own decoding ops. Called only after
 * {@link ImageDecoder} has checked the format, the size limits and (for PNG) every chunk's CRC. Thread-safe.
 */
public interface JpegPngDecoder {

    /**
     * @param header read from {@code jpeg}
     * @throws InvalidImageException {@code UNREADABLE_IMAGE} for a truncated or corrupt file
     */
    BufferedImage decodeJpeg(byte[] jpeg, JpegHeader header) throws InvalidImageException;

    /** @throws InvalidImageException {@code UNREADABLE_IMAGE} for a truncated or corrupt file */
    BufferedImage decodePng(byte[] png) throws InvalidImageException;
}
