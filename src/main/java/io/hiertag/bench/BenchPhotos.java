package io.hiertag.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The real photographs the harness feeds the pipeline (500×375 JPEG; see {@code photos/LICENSE.txt} beside them
 * and {@code bin/make-bench-photos}), cycled so any number of inputs can be made from them.
 */
final class BenchPhotos {

    static final List<String> NAMES = List.of("astronaut.jpg", "chelsea.jpg", "coffee.jpg", "hubble_deep_field.jpg",
            "rocket.jpg");
    private static final String FOLDER = "/hiertag/bench/photos/";

    private final List<byte[]> photos;

    private BenchPhotos(List<byte[]> photos) {
        this.photos = photos;
    }

    static BenchPhotos load() {
        return new BenchPhotos(NAMES.stream().map(BenchPhotos::read).toList());
    }

    /** The i-th input: photo {@code i mod count}. */
    byte[] get(int i) {
        return photos.get(Math.floorMod(i, photos.size()));
    }

    int count() {
        return photos.size();
    }

    private static byte[] read(String name) {
        try (InputStream in = BenchPhotos.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException("bench photo " + FOLDER + name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
