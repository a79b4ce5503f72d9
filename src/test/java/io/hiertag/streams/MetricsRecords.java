package io.hiertag.streams;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.Label;
import io.hiertag.avro.Route;
import io.hiertag.avro.Stage;
import io.hiertag.avro.TagResult;
import java.time.Instant;
import java.util.List;

/** Hand-made tags and dead letters for the metrics tests: only the fields the metrics read vary. */
final class MetricsRecords {

    static final String IMAGENET = "imagenet-1k";
    static final String MODEL = "model-a@0123456789ab";
    static final Instant TAGGED_AT = Instant.parse("2026-11-26T12:00:00Z");

    private static final Label FIRST = Label.newBuilder().setIndex(0).setWnid("n01440764").setName("tench").build();
    private static final Label OTHER = Label.newBuilder().setIndex(1).setWnid("n01443537").setName("goldfish").build();

    private MetricsRecords() {
    }

    /**
     * A tag of {@link #IMAGENET} by {@link #MODEL}, tagged at {@link #TAGGED_AT}, with no publishedAt.
     *
     * @param rightBefore whether the first pass was right, or null for an image without a ground truth
     * @param rightAfter whether the final label is right, or null for an image without a ground truth
     */
    static TagResult.Builder tag(String id, Route route, boolean changed, Boolean rightBefore, Boolean rightAfter) {
        boolean labelled = rightBefore != null;
        return TagResult.newBuilder()
                .setId(id)
                .setLabelSet(IMAGENET)
                .setModelId(MODEL)
                .setLabel(changed ? OTHER : FIRST)
                .setScore(0.3f)
                .setRoute(route)
                .setFirstPassLabel(FIRST)
                .setFirstPassScore(0.25f)
                .setChanged(changed)
                .setCandidates(List.of())
                .setGroundTruth(labelled ? "n01440764" : null)
                .setGroundTruthKnown(labelled ? true : null)
                .setFirstPassCorrect(rightBefore)
                .setCorrect(rightAfter)
                .setTaggedAt(TAGGED_AT);
    }

    /** The same tag, published {@code latencyMs} before it was tagged. */
    static TagResult.Builder latency(TagResult.Builder tag, long latencyMs) {
        return tag.setPublishedAt(tag.getTaggedAt().minusMillis(latencyMs));
    }

    static DeadLetter deadLetter(String labelSet, String modelId) {
        return DeadLetter.newBuilder()
                .setStage(Stage.DECODE)
                .setErrorType("UNREADABLE_IMAGE")
                .setMessage("not an image")
                .setLabelSet(labelSet)
                .setModelId(modelId)
                .setSourceTopic("hiertag.images")
                .setSourcePartition(0)
                .setSourceOffset(7)
                .setFailedAt(TAGGED_AT)
                .build();
    }
}
