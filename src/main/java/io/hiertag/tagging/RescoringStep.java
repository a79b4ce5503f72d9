package io.hiertag.tagging;

import io.hiertag.avro.TagResult;
import io.hiertag.zeroshot.LabelSetModel;
import io.hiertag.zeroshot.RescoreResult;
import java.time.Clock;
import java.util.Map;

/**
 * Step 2 of the method for an image the first pass was unsure of: re-ranks its first-pass top-5 with the cached
 * hierarchy strings of its label set (a few dozen dot products, no model call).
 */
public final class RescoringStep {

    private final Map<String, LabelSetModel> labelSets;
    private final Clock clock;

    public RescoringStep(Map<String, LabelSetModel> labelSets, Clock clock) {
        this.labelSets = Map.copyOf(labelSets);
        this.clock = clock;
    }

    /**
     * @param firstPass the uncertain image's first-pass tag
     * @param embedding its raw image embedding
     * @return the tag on the {@code RESCORED} route
     */
    public TagResult rescore(TagResult firstPass, float[] embedding) {
        LabelSetModel model = labelSets.get(firstPass.getLabelSet());
        int[] candidates = firstPass.getCandidates().stream().mapToInt(c -> c.getLabel().getIndex()).toArray();
        RescoreResult r = model.rescorer().rescore(embedding, candidates);
        return TagResults.rescored(firstPass, model.labels(), r, clock.instant());
    }
}
