package io.hiertag.image;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How an image is resampled to a model's input size; the JSON names are the model contract's. */
public enum Resize {
    @JsonProperty("bilinear")
    BILINEAR,
    @JsonProperty("bicubic")
    BICUBIC,
    @JsonProperty("area")
    AREA
}
