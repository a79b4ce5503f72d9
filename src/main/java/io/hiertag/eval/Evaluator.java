package io.hiertag.eval;

import io.hiertag.image.ImageDecoder;
import io.hiertag.image.InvalidImageException;
import io.hiertag.labels.LabelClass;
import io.hiertag.labels.PromptTemplates;
import io.hiertag.tagging.BatchEmbedder;
import io.hiertag.tagging.RejectedInputException;
import io.hiertag.tagging.RejectionReason;
import io.hiertag.zeroshot.ClassifierBank;
import io.hiertag.zeroshot.EncodingProgress;
import io.hiertag.zeroshot.FirstPass;
import io.hiertag.zeroshot.FirstPassResult;
import io.hiertag.zeroshot.LabelSetModel;
import io.hiertag.zeroshot.TopK;
import io.hiertag.zeroshot.Vectors;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs the method on labelled images exactly as the stream does (same decoder and limits, the stream's own
 * {@link BatchEmbedder}, same {@link FirstPass} and rescorer) and keeps every decision per image, for both the
 * class-name and the all-template variant.
 */
public final class Evaluator {

    /** CLIP's learned logit scale, used only for the max-softmax baseline; the method itself never needs it. */
    static final double LOGIT_SCALE = 100;
    static final String PHOTO_TEMPLATE = "a photo of a {}.";

    /**
     * What an evaluation produced.
     *
     * @param outcomes one per evaluated image, in input order
     * @param skips inputs left out, with the reason
     * @param embeddings the image tower's raw outputs, {@code outcomes × dimension}, or null unless kept
     * @param flippedEmbeddings the same for the flipped images (null unless kept and the flip check is on)
     */
    public record Result(List<ImageOutcome> outcomes, List<EvaluationReport.Skip> skips, float[] embeddings,
            float[] flippedEmbeddings) {
    }

    private final BatchEmbedder embedder;
    private final ImageDecoder decoder;
    private final LabelSetModel nameVariant;
    private final LabelSetModel ensembleVariant;
    private final int batchSize;
    private final int photoBlock;

    /**
     * @param embedder the stream's batch embedder, with the flip check on or off as the consistency rule says
     *     (both variants must agree)
     * @param nameVariant the method with class-name candidates and plain hierarchy strings
     * @param ensembleVariant the same label set with all-template candidates and template-averaged strings
     */
    public Evaluator(BatchEmbedder embedder, ImageDecoder decoder, LabelSetModel nameVariant,
            LabelSetModel ensembleVariant, int batchSize) {
        this.embedder = embedder;
        this.decoder = decoder;
        this.nameVariant = nameVariant;
        this.ensembleVariant = ensembleVariant;
        this.batchSize = batchSize;
        int photo = PromptTemplates.clipImagenet().indexOf(PHOTO_TEMPLATE);
        if (photo < 0) {
            throw new IllegalStateException("the template list lacks \"" + PHOTO_TEMPLATE + "\"");
        }
        this.photoBlock = ClassifierBank.FIRST_TEMPLATE + photo;
    }

    /** @param keepEmbeddings keep the image tower's outputs (for a dump) */
    public Result evaluate(List<LabelledImages.Entry> entries, EncodingProgress progress, boolean keepEmbeddings) {
        List<ImageOutcome> outcomes = new ArrayList<>(entries.size());
        List<EvaluationReport.Skip> skips = new ArrayList<>();
        List<float[]> kept = new ArrayList<>();
        List<float[]> keptFlipped = new ArrayList<>();
        progress.update("images", 0, entries.size());
        for (int start = 0; start < entries.size(); start += batchSize) {
            List<LabelledImages.Entry> batch = entries.subList(start, Math.min(entries.size(), start + batchSize));
            List<Labelled> labelled = new ArrayList<>(batch.size());
            for (LabelledImages.Entry entry : batch) {
                Optional<LabelClass> truth = nameVariant.labels().find(entry.label());
                if (truth.isPresent()) {
                    labelled.add(new Labelled(entry, truth.get().index()));
                } else {
                    skips.add(new EvaluationReport.Skip(entry.path().toString(), "label \"" + entry.label()
                            + "\" is not in label set " + nameVariant.labels().name()));
                }
            }
            List<BatchEmbedder.Embedded<Labelled>> embedded = embedder.embed(labelled, files);
            List<BatchEmbedder.Embedded<Labelled>> ok = new ArrayList<>(embedded.size());
            for (BatchEmbedder.Embedded<Labelled> e : embedded) {
                if (e.refused()) {
                    skips.add(new EvaluationReport.Skip(e.item().path(), e.rejection().errorType() + ": "
                            + e.rejection().getMessage()));
                } else {
                    ok.add(e);
                    if (keepEmbeddings) {
                        kept.add(e.embedding());
                        if (embedder.flip()) {
                            keptFlipped.add(e.flippedEmbedding());
                        }
                    }
                }
            }
            if (!ok.isEmpty()) {
                outcomes.addAll(decide(ok));
            }
            progress.update("images", start + batch.size(), entries.size());
        }
        return new Result(outcomes, skips, keepEmbeddings ? Vectors.flatten(kept) : null,
                keepEmbeddings && embedder.flip() ? Vectors.flatten(keptFlipped) : null);
    }

    /** Reads and decodes an image file within the stream's limits, on the embedder's decoding threads. */
    private final BatchEmbedder.ImageSource<Labelled> files = new BatchEmbedder.ImageSource<>() {
        @Override
        public BatchEmbedder.Loading start(Labelled item) {
            return () -> read(item);
        }

        private BufferedImage read(Labelled item) throws RejectedInputException {
            try {
                return decoder.decode(Files.readAllBytes(item.entry().path()));
            } catch (IOException e) {
                throw new RejectedInputException(RejectionReason.FETCH_FAILED, "cannot read: " + e.getMessage(),
                        null);
            } catch (InvalidImageException e) {
                throw RejectedInputException.of(e, null);
            }
        }

        @Override
        public String name(Labelled item) {
            return item.path();
        }
    };

    private List<ImageOutcome> decide(List<BatchEmbedder.Embedded<Labelled>> items) {
        int k = items.size();
        float[] images = Vectors.flatten(items.stream().map(BatchEmbedder.Embedded::embedding).toList());
        float[] flipped = embedder.flip()
                ? Vectors.flatten(items.stream().map(BatchEmbedder.Embedded::flippedEmbedding).toList()) : null;
        List<FirstPassResult> names = nameVariant.firstPass().classify(images, flipped, k);
        List<FirstPassResult> ensembles = ensembleVariant.firstPass().classify(images, flipped, k);
        ClassifierBank bank = nameVariant.bank();
        List<ImageOutcome> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            float[] embedding = items.get(i).embedding();
            float[] unit = Vectors.normalized(embedding);
            FirstPassResult name = names.get(i);
            FirstPassResult ensemble = ensembles.get(i);
            boolean uncertain = name.consistency().uncertain();
            out.add(new ImageOutcome(items.get(i).item().path(), items.get(i).item().truth(), name, ensemble,
                    TopK.of(bank.logits(photoBlock, unit), FirstPass.CANDIDATES),
                    maxSoftmax(bank.logits(ClassifierBank.NAME, unit)),
                    uncertain ? nameVariant.rescorer().rescore(embedding, name.topClasses()) : null,
                    uncertain ? ensembleVariant.rescorer().rescore(embedding, ensemble.topClasses()) : null));
        }
        return out;
    }

    /** The largest probability of softmax(scale · logits), computed stably. */
    static double maxSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(LOGIT_SCALE * (l - max));
        }
        return 1 / sum;
    }

    /** An input whose label is in the label set, with the label's index. */
    private record Labelled(LabelledImages.Entry entry, int truth) {
        String path() {
            return entry.path().toString();
        }
    }
}
