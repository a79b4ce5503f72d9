package io.hiertag.image;

/** Refuses an image whose header claims too many pixels; called before anything is decoded. */
@FunctionalInterface
interface PixelLimit {
    void check(ImageFormat format, long width, long height) throws InvalidImageException;
}
