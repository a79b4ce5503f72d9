package io.hiertag.image;

import java.awt.image.BufferedImage;

/**
 * Turns a decoded image into the model's input: {@code size × size × 3} floats, rows top to bottom, pixels left to
 * right, channels R, G, B (HWC), normalised as the contract says. How the image is made RGB, resized and cropped
 * is the {@link Resize} reference's own: {@link TensorFlowResize} for the {@code tf-*} names, {@link PilResize}
 * (torchvision over PIL) for the {@code pil-*} ones; each class documents its steps.
 *
 * <p>Immutable and thread-safe.
 */
public final class ImagePreprocessor {

    private final int size;
    private final Preprocessing preprocessing;

    /**
     * @param size the square side in pixels the model takes
     * @param resize how to resample to {@code size}
     * @param centerCrop true: scale the shorter side to {@code size} and crop the centre; false: scale both sides
     *     to {@code size}, ignoring the aspect ratio
     * @param normalization how pixel values become model inputs
     */
    public ImagePreprocessor(int size, Resize resize, boolean centerCrop, Normalization normalization) {
        this.size = size;
        this.preprocessing = switch (resize) {
            case TF_BILINEAR -> new TensorFlowResize(TensorFlowResize.Kernel.BILINEAR, size, centerCrop, normalization);
            case TF_BICUBIC -> new TensorFlowResize(TensorFlowResize.Kernel.BICUBIC, size, centerCrop, normalization);
            case TF_AREA -> new TensorFlowResize(TensorFlowResize.Kernel.AREA, size, centerCrop, normalization);
            case PIL_BILINEAR -> new PilResize(PilFilter.BILINEAR, size, centerCrop, normalization);
            case PIL_BICUBIC -> new PilResize(PilFilter.BICUBIC, size, centerCrop, normalization);
        };
    }

    /** @return the square side in pixels */
    public int size() {
        return size;
    }

    /** @return floats per preprocessed image, {@code size · size · 3} */
    public int floatsPerImage() {
        return size * size * 3;
    }

    /**
     * @param image a decoded image of any type
     * @return a new array of {@link #floatsPerImage()} floats
     */
    public float[] preprocess(BufferedImage image) {
        float[] out = new float[floatsPerImage()];
        preprocessInto(image, out, 0);
        return out;
    }

    /**
     * Writes one preprocessed image into a batch buffer.
     *
     * @param image a decoded image of any type
     * @param dst the buffer, e.g. a whole NHWC batch
     * @param offset where the image's {@link #floatsPerImage()} floats start
     */
    public void preprocessInto(BufferedImage image, float[] dst, int offset) {
        if (offset < 0 || dst.length - offset < floatsPerImage()) {
            throw new IndexOutOfBoundsException("No room for " + floatsPerImage() + " floats at " + offset
                    + " in an array of " + dst.length);
        }
        preprocessing.preprocessInto(image, dst, offset);
    }

    /**
     * Mirrors a preprocessed {@code size × size × 3} image left to right. {@code src} and {@code dst} may be the
     * same region (in-place flip) or must not overlap.
     *
     * @param src source buffer
     * @param srcOffset where the source image starts
     * @param dst destination buffer
     * @param dstOffset where the flipped image goes
     * @param size the square side in pixels
     */
    public static void flipHorizontally(float[] src, int srcOffset, float[] dst, int dstOffset, int size) {
        for (int y = 0; y < size; y++) {
            int row = y * size * 3;
            // Read both mirror pixels before writing either, so an in-place flip works.
            for (int x = 0; x < (size + 1) / 2; x++) {
                int left = row + x * 3;
                int right = row + (size - 1 - x) * 3;
                for (int c = 0; c < 3; c++) {
                    float l = src[srcOffset + left + c];
                    float r = src[srcOffset + right + c];
                    dst[dstOffset + left + c] = r;
                    dst[dstOffset + right + c] = l;
                }
            }
        }
    }
}
