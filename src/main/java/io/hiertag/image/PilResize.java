package io.hiertag.image;

import java.awt.image.BufferedImage;

/**
 * torchvision 0.14 on a PIL image, which is how OpenAI CLIP and OpenCLIP preprocess:
 * {@code Resize(size, interpolation)} (the shorter side to {@code size}, the longer to
 * {@code int(size · longer / shorter)}, truncated), {@code CenterCrop(size)} (offsets
 * {@code int(round((resized − size) / 2.0))}, Python's round: halves to even), {@code ToTensor()} (÷ 255) and
 * {@code Normalize}. Without {@code centerCrop}, {@code Resize((size, size))}: both sides to {@code size}.
 *
 * <p>PIL's resampling is {@link PilResampler} on the pixels {@link PackedRgb#raw} gives. Converting to RGB before
 * resizing, as Hugging Face does and as the model contract asks, equals CLIP's resize-then-convert for every opaque
 * image; for images with alpha, CLIP resizes premultiplied RGBa and for palette images it resizes the palette
 * indices with NEAREST, which are not reproduced.
 */
final class PilResize implements Preprocessing {

    private final PilFilter filter;
    private final int size;
    private final boolean centerCrop;
    /** The normalised float of each 8-bit value, per channel. */
    private final float[][] normalised;
    /** Each thread's resampling buffers: a few hundred kilobytes a thread, sized by the largest image it has seen. */
    private final ThreadLocal<PilResampler.Scratch> scratch = ThreadLocal.withInitial(PilResampler.Scratch::new);

    PilResize(PilFilter filter, int size, boolean centerCrop, Normalization normalization) {
        this.filter = filter;
        this.size = size;
        this.centerCrop = centerCrop;
        this.normalised = normalization.table();
    }

    @Override
    public void preprocessInto(BufferedImage image, float[] dst, int offset) {
        int[] resized = Preprocessing.resizedSize(image, size, centerCrop, this::truncatedLongSide);
        PilTaps columns = PilTaps.of(filter, image.getWidth(), resized[0], cropStart(resized[0]), size);
        PilTaps rows = PilTaps.of(filter, image.getHeight(), resized[1], cropStart(resized[1]), size);
        float[] red = normalised[0];
        float[] green = normalised[1];
        float[] blue = normalised[2];
        PilResampler.resample(PackedRgb.raw(image), columns, rows, scratch.get(), (y, rgb) -> {
            int out = offset + y * rgb.length;
            for (int j = 0; j < rgb.length; j += 3) {
                dst[out + j] = red[rgb[j]];
                dst[out + j + 1] = green[rgb[j + 1]];
                dst[out + j + 2] = blue[rgb[j + 2]];
            }
        });
    }

    /** {@code int(size * longer / shorter)} in Python: a true division of two ints, then truncation. */
    private int truncatedLongSide(int longer, int shorter) {
        return (int) ((double) ((long) size * longer) / shorter);
    }

    /** {@code int(round((resized - size) / 2.0))}; {@code Math.rint} rounds halves to even as Python does. */
    private int cropStart(int resized) {
        return (int) Math.rint((resized - size) / 2.0);
    }
}
