package io.hiertag.image;

import java.awt.image.BufferedImage;
import java.util.function.IntBinaryOperator;

/** One reference library's way from a decoded image to a model's normalised input (see {@link Resize}). */
interface Preprocessing {

    /**
     * @param image a decoded image of any type
     * @param dst where the {@code size × size × 3} HWC floats go
     * @param offset where they start; the caller has checked there is room
     */
    void preprocessInto(BufferedImage image, float[] dst, int offset);

    /**
     * The size before the crop: with {@code centerCrop} the shorter side becomes {@code size} and the longer
     * {@code longSide(longer, shorter)}, each reference rounding it its own way; without, both become {@code size}.
     *
     * @return width and height
     */
    static int[] resizedSize(BufferedImage image, int size, boolean centerCrop, IntBinaryOperator longSide) {
        int width = image.getWidth();
        int height = image.getHeight();
        if (!centerCrop) {
            return new int[] {size, size};
        }
        return width <= height ? new int[] {size, longSide.applyAsInt(height, width)}
                : new int[] {longSide.applyAsInt(width, height), size};
    }
}
