package io.hiertag.eval;

import io.hiertag.zeroshot.FirstPassResult;
import io.hiertag.zeroshot.RescoreResult;

/**
 * Everything the evaluation decided about one image, for both variants of the method: the first pass with
 * class-name candidates (paper Table 1) and with all-template candidates (Table 4). The consistency decision is
 * the same in both, since it does not depend on where the candidates come from.
 *
 * @param path the image file
 * @param truth the true class index
 * @param name first pass with class-name candidates
 * @param ensemble first pass with all-template candidates
 * @param photoTop top-5 of the single-template classifier "a photo of a {}."
 * @param maxSoftmax the largest softmax probability of the class-name logits at CLIP's logit scale (100)
 * @param nameRescore rescoring of the class-name candidates, or null when the image is confident
 * @param ensembleRescore rescoring of the all-template candidates (template-averaged strings), or null
 */
public record ImageOutcome(String path, int truth, FirstPassResult name, FirstPassResult ensemble, int[] photoTop,
        double maxSoftmax, RescoreResult nameRescore, RescoreResult ensembleRescore) {

    public boolean uncertain() {
        return name.consistency().uncertain();
    }

    /** The final label of the Table 1 method: the rescored label when uncertain, else the class-name top-1. */
    public int hierarchyLabel() {
        return nameRescore == null ? name.top1() : nameRescore.label();
    }

    /** The final label of the Table 4 method. */
    public int hierarchyEnsembleLabel() {
        return ensembleRescore == null ? ensemble.top1() : ensembleRescore.label();
    }

    /** The final label the stream would give with {@code rescoring.ensemble} set as given. */
    public int finalLabel(boolean ensembleVariant) {
        return ensembleVariant ? hierarchyEnsembleLabel() : hierarchyLabel();
    }

    /** The first pass of the configured variant. */
    public FirstPassResult firstPass(boolean ensembleVariant) {
        return ensembleVariant ? ensemble : name;
    }

    /** The rescoring of the configured variant, or null when the image is confident. */
    public RescoreResult rescore(boolean ensembleVariant) {
        return ensembleVariant ? ensembleRescore : nameRescore;
    }
}
