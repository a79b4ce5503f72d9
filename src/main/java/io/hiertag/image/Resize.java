package io.hiertag.image;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How an image is resampled to a model's input size, named after the library whose numbers it reproduces; the JSON
 * names are the model contract's. A model must be fed the way it was trained and evaluated, and the libraries
 * differ: PIL widens its filter by the scale factor when shrinking (antialiasing), TensorFlow's resize ops do not.
 */
public enum Resize {
    /** {@code tf.image.resize(…, "bilinear")}, no antialiasing (big_vision's LiT). Formerly {@code bilinear}. */
    @JsonProperty("tf-bilinear")
    @JsonAlias("bilinear")
    TF_BILINEAR,
    /** {@code tf.image.resize(…, "bicubic")}, no antialiasing. Formerly {@code bicubic}. */
    @JsonProperty("tf-bicubic")
    @JsonAlias("bicubic")
    TF_BICUBIC,
    /** {@code tf.image.resize(…, "area")}. Formerly {@code area}. */
    @JsonProperty("tf-area")
    @JsonAlias("area")
    TF_AREA,
    /** PIL's {@code Image.resize(…, BILINEAR)} through torchvision's {@code Resize} and {@code CenterCrop}. */
    @JsonProperty("pil-bilinear")
    PIL_BILINEAR,
    /**
     * PIL's {@code Image.resize(…, BICUBIC)} through torchvision's {@code Resize} and {@code CenterCrop}: OpenAI
     * CLIP's {@code _transform} and OpenCLIP. Hugging Face's {@code CLIPImageProcessor} resizes the same way but
     * crops at {@code floor} instead of torchvision's rounding, one pixel apart when the excess is 3 modulo 4.
     */
    @JsonProperty("pil-bicubic")
    PIL_BICUBIC
}
