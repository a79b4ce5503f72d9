package io.hiertag.image;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Which of libjpeg's inverse DCTs decodes a JPEG, named after the reference whose pixels it reproduces; the JSON
 * names are the model contract's. Both keep libjpeg's fancy (smooth) chroma upsampling; the IDCTs differ by a
 * level or two here and there, and a model should see the pixels its authors' pipeline gave it.
 */
public enum JpegDecoding {
    /**
     * The accurate integer IDCT ({@code JDCT_ISLOW}), libjpeg's own default: what PIL decodes with, so what OpenAI
     * CLIP, OpenCLIP and Hugging Face see; also big_vision's {@code decode(precise=True)}.
     */
    @JsonProperty("pil")
    PIL,
    /**
     * The fast integer IDCT ({@code JDCT_IFAST}): what TensorFlow's {@code tf.io.decode_image} and
     * {@code tf.image.decode_jpeg} use when no {@code dct_method} is given, so what tensorflow_datasets and
     * big_vision's default {@code decode} gave the LiT models.
     */
    @JsonProperty("tf")
    TF
}
