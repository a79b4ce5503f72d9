package io.hiertag.tagging;

import io.hiertag.avro.Candidate;
import io.hiertag.avro.Consistency;
import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.Label;
import io.hiertag.avro.Route;
import io.hiertag.avro.TagResult;
import io.hiertag.labels.LabelClass;
import io.hiertag.labels.LabelSet;
import io.hiertag.zeroshot.FirstPassResult;
import io.hiertag.zeroshot.RescoreResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds {@link TagResult}s from the method's results: the first-pass tag, and its rescored completion. */
final class TagResults {
    private TagResults() {
    }

    /** The tag as the first pass leaves it: {@code CONFIDENT}, final label = first-pass label. */
    static TagResult firstPass(ImageEvent event, LabelSet labels, String modelId, FirstPassResult r,
            Instant now) {
        Label top = label(labels.get(r.top1()));
        List<Candidate> candidates = new ArrayList<>(r.topClasses().length);
        for (int k = 0; k < r.topClasses().length; k++) {
            candidates.add(Candidate.newBuilder()
                    .setLabel(label(labels.get(r.topClasses()[k])))
                    .setFirstPassScore(r.topScores()[k])
                    .build());
        }
        Optional<LabelClass> truth = labels.find(event.getGroundTruth());
        // A ground truth outside the label set cannot be judged: flagged by groundTruthKnown, correct stays null.
        Boolean correct = truth.map(t -> t.index() == r.top1()).orElse(null);
        return TagResult.newBuilder()
                .setId(event.getId())
                .setLabelSet(labels.name())
                .setModelId(modelId)
                .setLabel(top)
                .setScore(r.top1Score())
                .setRoute(Route.CONFIDENT)
                .setFirstPassLabel(top)
                .setFirstPassScore(r.top1Score())
                .setChanged(false)
                .setConsistency(Consistency.newBuilder()
                        .setTextAgreement(r.consistency().textAgreement())
                        .setFlipAgreement(r.consistency().flipAgreement())
                        .setTemplateAgreement(r.consistency().templateAgreement())
                        .build())
                .setCandidates(candidates)
                .setGroundTruth(event.getGroundTruth())
                .setGroundTruthKnown(event.getGroundTruth() == null ? null : truth.isPresent())
                .setCorrect(correct)
                .setFirstPassCorrect(correct)
                .setPublishedAt(event.getPublishedAt())
                .setTaggedAt(now)
                .setAttributes(event.getAttributes())
                .build();
    }

    /** The first-pass tag completed by hierarchy rescoring: {@code RESCORED}, label = the winning candidate. */
    static TagResult rescored(TagResult firstPass, LabelSet labels, RescoreResult r, Instant now) {
        LabelClass winner = labels.get(r.label());
        List<Candidate> candidates = new ArrayList<>(firstPass.getCandidates().size());
        for (int k = 0; k < firstPass.getCandidates().size(); k++) {
            candidates.add(Candidate.newBuilder(firstPass.getCandidates().get(k))
                    .setRescoreScore(r.groupScores()[k])
                    .setWinningPrompt(r.bestStrings()[k])
                    .build());
        }
        Boolean correct = firstPass.getGroundTruthKnown() == Boolean.TRUE
                ? labels.find(firstPass.getGroundTruth()).map(t -> t.index() == winner.index()).orElse(null)
                : null;
        return TagResult.newBuilder(firstPass)
                .setLabel(label(winner))
                .setScore(r.score())
                .setRoute(Route.RESCORED)
                .setChanged(winner.index() != firstPass.getFirstPassLabel().getIndex())
                .setCandidates(candidates)
                .setCorrect(correct)
                .setTaggedAt(now)
                .build();
    }

    private static Label label(LabelClass c) {
        return Label.newBuilder().setIndex(c.index()).setWnid(c.wnid()).setName(c.name()).build();
    }
}
