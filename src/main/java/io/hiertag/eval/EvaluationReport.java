package io.hiertag.eval;

import java.util.List;
import java.util.Map;

/**
 * Every number one evaluation run produced; written as {@code report.json} and rendered as {@code report.html}.
 *
 * @param setup what was evaluated, with what, and how long it took
 * @param all accuracy rows over every evaluated image
 * @param uncertain the same rows over the uncertain subset only
 * @param rescue what rescoring changed, once per variant (Table 1: name candidates; Table 4: ensemble)
 * @param selective each confidence score's AUROC and accuracy-versus-abstention curve
 * @param classChanges the classes rescoring changed most (fixed plus broken), most changed first
 * @param dump shapes of the arrays written by {@code --dump}, by file name; empty without a dump
 */
public record EvaluationReport(Setup setup, List<AccuracyRow> all, List<AccuracyRow> uncertain,
        List<Rescue> rescue, List<SelectiveScore> selective, List<ClassChange> classChanges,
        Map<String, List<Integer>> dump) {

    /**
     * @param modelId the model's id ({@code name@hash})
     * @param labelSet label-set name
     * @param classes classes in the label set
     * @param input the image folder or manifest
     * @param images images evaluated
     * @param skipped images that could not be read or whose label is not in the label set (see {@code skips})
     * @param uncertainImages size of the uncertain subset
     * @param rule the consistency rule, e.g. {@code discrete+flip}
     * @param seconds wall time of the whole run
     * @param millisPerImage wall time per evaluated image, text embeddings excluded
     * @param skips each skipped input with its reason
     * @param createdAt ISO-8601 time the run finished
     */
    public record Setup(String modelId, String labelSet, int classes, String input, int images, int skipped,
            int uncertainImages, String rule, double seconds, double millisPerImage, List<Skip> skips,
            String createdAt) {
    }

    /** An input left out of the evaluation, and why. */
    public record Skip(String path, String reason) {
    }

    /**
     * One method's accuracy on one subset.
     *
     * @param method e.g. {@code name}, {@code photo}, {@code ensemble}, {@code hierarchy}, {@code hierarchy+ensemble}
     * @param description what the method is, for people
     * @param images images in the subset
     * @param top1 fraction correct at rank 1 (NaN on an empty subset)
     * @param top5 fraction with the truth among the first five (NaN on an empty subset)
     */
    public record AccuracyRow(String method, String description, int images, double top1, double top5) {
    }

    /**
     * What rescoring did to the uncertain images in one variant.
     *
     * @param variant {@code name} (Table 1) or {@code ensemble} (Table 4)
     * @param uncertain images rescored
     * @param fixed wrong before, right after
     * @param broken right before, wrong after
     * @param net fixed minus broken
     * @param uncertainBefore top-1 on the uncertain subset before rescoring
     * @param uncertainAfter top-1 on the uncertain subset after rescoring
     * @param allBefore top-1 on every image before rescoring
     * @param allAfter top-1 on every image after rescoring
     */
    public record Rescue(String variant, int uncertain, int fixed, int broken, int net, double uncertainBefore,
            double uncertainAfter, double allBefore, double allAfter) {
    }

    /**
     * A confidence score judged as a detector of correct class-name predictions.
     *
     * @param score e.g. {@code S_T}, {@code discrete rule}, {@code max logit (W_name)}
     * @param auroc area under the ROC curve of correct-versus-wrong (ties count half; NaN when all or none are
     *     correct)
     * @param curve accuracy of the retained images against the abstention rate, abstention ascending
     */
    public record SelectiveScore(String score, double auroc, List<CurvePoint> curve) {
    }

    /** One point of an accuracy-versus-abstention curve. */
    public record CurvePoint(double abstention, double accuracy) {
    }

    /**
     * How rescoring (the configured variant) changed one true class.
     *
     * @param index class index in the label set
     * @param wnid WordNet id, or empty
     * @param name class name
     * @param images images of this class evaluated
     * @param fixed its images rescoring fixed
     * @param broken its images rescoring broke
     */
    public record ClassChange(int index, String wnid, String name, int images, int fixed, int broken) {
    }
}
