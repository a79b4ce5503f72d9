package io.hiertag.zeroshot;

/** Step 1 of the method for one image embedding: the class-name classifier's top-5. */
public final class FirstPass {

    public static final int CANDIDATES = 5;

    private final ZeroShotClassifier classNames;

    public FirstPass(ZeroShotClassifier classNames) {
        this.classNames = classNames;
    }

    public FirstPassResult classify(float[] imageEmbedding) {
        float[] logits = classNames.logits(imageEmbedding);
        int[] top = TopK.of(logits, CANDIDATES);
        float[] scores = new float[top.length];
        for (int i = 0; i < top.length; i++) {
            scores[i] = logits[top[i]];
        }
        return new FirstPassResult(top, scores);
    }
}
