package io.hiertag.samples;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A small mixed set of inputs: ordinary JPEG and PNG images, grey and alpha images, and broken inputs. */
public final class DemoInputs {

    /**
     * One input to publish.
     *
     * @param name short id suffix
     * @param image encoded image bytes, or null when {@code rawValue} is sent instead of an ImageEvent
     * @param rawValue bytes to publish as the record value instead of an ImageEvent (not Avro at all)
     * @param labelSet label set to ask for
     * @param valid whether the application should tag it (true) or dead-letter it (false)
     */
    public record Input(String name, byte[] image, byte[] rawValue, String labelSet, boolean valid) {
    }

    private DemoInputs() {
    }

    public static List<Input> create(long seed, int valid, String labelSet) {
        List<Input> out = new ArrayList<>();
        for (int i = 0; i < valid; i++) {
            BufferedImage img = SampleImages.generate(seed, i, 160 + 40 * (i % 4), 120 + 30 * (i % 3));
            byte[] bytes = i % 3 == 2 ? SampleImages.jpeg(img) : SampleImages.png(img);
            out.add(new Input("image-" + i + (i % 3 == 2 ? ".jpg" : ".png"), bytes, null, labelSet, true));
        }
        out.add(new Input("grey.png", SampleImages.png(SampleImages.grey(SampleImages.generate(seed, 1000, 200, 150))), null,
                labelSet, true));
        out.add(new Input("alpha.png", SampleImages.png(SampleImages.withAlpha(SampleImages.generate(seed, 1001, 150, 200))),
                null, labelSet, true));
        byte[] jpeg = SampleImages.jpeg(SampleImages.generate(seed, 1002, 200, 200));
        out.add(new Input("truncated.jpg", Arrays.copyOf(jpeg, jpeg.length / 3), null, labelSet, false));
        out.add(new Input("pixel-bomb.png", SampleImages.pngHeaderClaiming(100_000, 100_000), null, labelSet, false));
        out.add(new Input("not-avro", null, "this is not an ImageEvent".getBytes(), labelSet, false));
        out.add(new Input("unknown-label-set.png", SampleImages.png(SampleImages.generate(seed, 1003, 64, 64)), null,
                "no-such-label-set", false));
        return out;
    }
}
