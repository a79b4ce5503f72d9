package io.hiertag.image;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;

/** Where an event's pixels come from: its inline bytes, or the {@code uri} it names, decoded within limits. */
public final class ImageLoader implements AutoCloseable {

    /** One image on its way: its bytes are at hand or being read ({@link ImageFetcher#start}); decoded when awaited. */
    public static final class Pending implements AutoCloseable {
        private final ImageDecoder decoder;
        private final ImageFetcher.Fetch bytes;

        private Pending(ImageDecoder decoder, ImageFetcher.Fetch bytes) {
            this.decoder = decoder;
            this.bytes = bytes;
        }

        /** Waits for the bytes (a web fetch: at most until its deadline) and decodes them. */
        public BufferedImage await() throws InvalidImageException {
            return decoder.decode(bytes.await());
        }

        /** Gives up a fetch still under way. */
        @Override
        public void close() {
            bytes.close();
        }
    }

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

    /** Starts reading the image (a web uri is fetched from now on) without waiting for it; see {@link Pending}. */
    public Pending start(ByteBuffer image, String uri) {
        return new Pending(decoder, image != null ? () -> bytes(image) : fetcher.start(uri));
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
