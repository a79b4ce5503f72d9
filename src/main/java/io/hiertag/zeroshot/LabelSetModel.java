package io.hiertag.zeroshot;

import io.hiertag.labels.LabelSet;

/** A label set together with the classifiers built for it from one model's text tower. */
public record LabelSetModel(LabelSet labels, FirstPass firstPass) {

    /** Embeds every class name once; the classifier rows then serve every image. */
    public static LabelSetModel build(LabelSet labels, TextEmbedder embedder) {
        return new LabelSetModel(labels, new FirstPass(ZeroShotClassifier.fromTexts(embedder, labels.names())));
    }
}
