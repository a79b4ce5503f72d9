package io.hiertag.image;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * How 8-bit RGB pixel values {@code v} (0..255) map to model inputs: {@code v * scale(c) + offset(c)}. The JSON
 * form is the model contract's {@code image.normalization}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Normalization.MeanStd.class, name = "mean-std"),
    @JsonSubTypes.Type(value = Normalization.Range.class, name = "range")
})
public sealed interface Normalization permits Normalization.MeanStd, Normalization.Range {

    /** OpenAI CLIP's mean and standard deviation, which OpenCLIP and Hugging Face use by default too. */
    MeanStd CLIP = new MeanStd(List.of(0.48145466, 0.4578275, 0.40821073), List.of(0.26862954, 0.26130258, 0.27577711));

    /**
     * @param channel 0 = red, 1 = green, 2 = blue
     * @return the factor applied to the 0..255 value
     */
    float scale(int channel);

    /**
     * @param channel 0 = red, 1 = green, 2 = blue
     * @return the term added after scaling
     */
    float offset(int channel);

    /** @return {@code table[c][v]}: the model input of 8-bit value {@code v} in channel {@code c} */
    default float[][] table() {
        float[][] table = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                table[c][v] = v * scale(c) + offset(c);
            }
        }
        return table;
    }

    /**
     * {@code (v / 255 - mean[c]) / std[c]}, as CLIP does.
     *
     * @param mean per-channel mean of 0..1 values (red, green, blue)
     * @param std per-channel standard deviation of 0..1 values
     */
    record MeanStd(List<Double> mean, List<Double> std) implements Normalization {
        @Override
        public float scale(int channel) {
            return (float) (1.0 / (255.0 * std.get(channel)));
        }

        @Override
        public float offset(int channel) {
            return (float) (-mean.get(channel) / std.get(channel));
        }
    }

    /**
     * A linear map of 0..255 onto {@code [min, max]}, e.g. -1..1 as LiT does.
     *
     * @param min the value for 0
     * @param max the value for 255
     */
    record Range(double min, double max) implements Normalization {
        @Override
        public float scale(int channel) {
            return (float) ((max - min) / 255.0);
        }

        @Override
        public float offset(int channel) {
            return (float) min;
        }
    }
}
