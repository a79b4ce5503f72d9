package io.hiertag.image;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;

/** Where an event's pixels come from: its inline bytes, or the {@code uri} it names, decoded within limits. */
public final class ImageLoader implements AutoCloseable {

    private final ImageDecoder decoder;
    private final ImageFetcher fetcher;

    public ImageLoader(ImageDecoder decoder, ImageFetcher fetcher) {
        this.decoder = decoder;
        this.fetcher = fetcher;
    }

    /** The checks that need no I/O and no decoding: size and format of inline bytes, or the uri policy. */
    public void check(ByteBuffer image, String uri) throws InvalidImageException {
        if (image != null) {
            decoder.check(bytes(image));
        } else {
            fetcher.check(uri);
        }
    }

    /** Reads (for a uri) and decodes the image. */
    public BufferedImage load(ByteBuffer image, String uri) throws InvalidImageException {
        return decoder.decode(image != null ? bytes(image) : fetcher.fetch(uri));
    }

    /** Stops the fetcher's web client. */
    @Override
    public void close() {
        fetcher.close();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
