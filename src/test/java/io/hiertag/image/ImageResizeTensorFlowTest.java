package io.hiertag.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.model.TensorFlowNatives;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.ResizeBicubic;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * The {@code tf-*} resizes equal TensorFlow's own resize ops (half-pixel centres, no antialiasing) followed by the
 * LiT release's {@code tf.cast(tf.clip_by_value(image, 0, 255), tf.uint8)}. TensorFlow resizes in float and we in
 * double, so a value within a rounding error of an integer may truncate to the level below on one side only: at
 * most one level, on a sliver of the pixels.
 */
class ImageResizeTensorFlowTest {

    private static final Normalization IDENTITY = new Normalization.Range(0, 255);

    @BeforeAll
    static void loadNatives() {
        TensorFlowNatives.engine();
    }

    @ParameterizedTest
    @CsvSource({
        "TF_BILINEAR, 37, 23, 16", "TF_BILINEAR, 5, 7, 16", "TF_BILINEAR, 64, 64, 16",
        "TF_BICUBIC, 37, 23, 16", "TF_BICUBIC, 5, 7, 16", "TF_BICUBIC, 64, 64, 16",
        "TF_AREA, 37, 23, 16", "TF_AREA, 64, 64, 16", "TF_AREA, 50, 50, 16",
    })
    void matchesTensorFlow(Resize resize, int width, int height, int size) {
        SplittableRandom random = new SplittableRandom(width * 31L + height);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        float[] nhwc = new float[height * width * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = random.nextInt(256);
                int g = random.nextInt(256);
                int b = random.nextInt(256);
                image.setRGB(x, y, r << 16 | g << 8 | b);
                int i = (y * width + x) * 3;
                nhwc[i] = r;
                nhwc[i + 1] = g;
                nhwc[i + 2] = b;
            }
        }
        float[] ours = new ImagePreprocessor(size, resize, false, IDENTITY)
                .preprocess(image);
        float[] theirs = tensorFlowResize(resize, nhwc, height, width, size);
        assertEquals(theirs.length, ours.length);
        double worst = 0;
        int differing = 0;
        for (int i = 0; i < ours.length; i++) {
            worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
            differing += ours[i] != theirs[i] ? 1 : 0;
        }
        assertTrue(worst <= 1, resize + ": max |difference| " + worst + " levels");
        assertTrue(differing <= ours.length / 200, resize + ": " + differing + " of " + ours.length + " differ");
    }

    private static float[] tensorFlowResize(Resize resize, float[] nhwc, int height, int width, int size) {
        try (Graph graph = new Graph(); Session session = new Session(graph);
                TFloat32 input = TFloat32.tensorOf(Shape.of(1, height, width, 3), DataBuffers.of(nhwc, true, false))) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> images = tf.placeholder(TFloat32.class);
            Operand<TInt32> target = tf.constant(new int[] {size, size});
            Operand<TFloat32> resized = switch (resize) {
                case TF_BILINEAR -> tf.image.resizeBilinear(images, target, ResizeBilinear.halfPixelCenters(true));
                case TF_BICUBIC -> tf.image.resizeBicubic(images, target, ResizeBicubic.halfPixelCenters(true));
                case TF_AREA -> tf.image.resizeArea(images, target);
                case PIL_BILINEAR, PIL_BICUBIC -> throw new IllegalArgumentException(resize + " is not a TensorFlow op");
            };
            Operand<TFloat32> truncated = tf.dtypes.cast(tf.dtypes.cast(tf.clipByValue(resized, tf.constant(0f),
                    tf.constant(255f)), TUint8.class), TFloat32.class);
            try (Result result = session.runner().feed(images, input).fetch(truncated).run()) {
                TFloat32 out = (TFloat32) result.get(0);
                float[] values = new float[size * size * 3];
                out.asRawTensor().data().asFloats().read(values);
                return values;
            }
        }
    }
}
