package io.hiertag.zeroshot;

import java.util.List;

/** Embeds texts with a model's text tower: one row per text, in order. */
@FunctionalInterface
public interface TextEmbedder {
    float[][] embedTexts(List<String> texts);
}
