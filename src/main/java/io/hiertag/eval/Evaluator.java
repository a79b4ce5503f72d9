package io.hiertag.eval;

import io.hiertag.labels.LabelClass;
import io.hiertag.labels.PromptTemplates;
import io.hiertag.image.ImageDecoder;
import io.hiertag.image.ImagePreprocessor;
import io.hiertag.image.InvalidImageException;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.zeroshot.ClassifierBank;
import io.hiertag.zeroshot.EncodingProgress;
import io.hiertag.zeroshot.FirstPass;
import io.hiertag.zeroshot.FirstPassResult;
import io.hiertag.zeroshot.LabelSetModel;
import io.hiertag.zeroshot.TopK;
import io.hiertag.zeroshot.Vectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Runs the method on labelled images exactly as the stream does (same decoder and limits, same preprocessing,
 * image tower on [images; flips], same {@link FirstPass} and rescorer) and keeps every decision per image, for
 * both the class-name and the all-template variant. Images are decoded and preprocessed in parallel, embedded in
 * batches.
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

    private final SavedModelDualEncoder encoder;
    private final ImageDecoder decoder;
    private final ImagePreprocessor preprocessor;
    private final LabelSetModel nameVariant;
    private final LabelSetModel ensembleVariant;
    private final boolean flip;
    private final int batchSize;
    private final int photoBlock;

    /**
     * @param nameVariant the method with class-name candidates and plain hierarchy strings
     * @param ensembleVariant the same label set with all-template candidates and template-averaged strings
     * @param flip whether the consistency rule has the flip check (both variants must agree)
     */
    public Evaluator(SavedModelDualEncoder encoder, ImageDecoder decoder, LabelSetModel nameVariant,
            LabelSetModel ensembleVariant, boolean flip, int batchSize) {
        this.encoder = encoder;
        this.decoder = decoder;
        this.preprocessor = encoder.contract().image().preprocessor();
        this.nameVariant = nameVariant;
        this.ensembleVariant = ensembleVariant;
        this.flip = flip;
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
            Prepared[] prepared = prepare(batch);
            List<Prepared> ok = new ArrayList<>(batch.size());
            for (Prepared p : prepared) {
                if (p.skip != null) {
                    skips.add(p.skip);
                } else {
                    ok.add(p);
                }
            }
            if (!ok.isEmpty()) {
                float[][] embedded = embed(ok);
                int k = ok.size();
                outcomes.addAll(decide(ok, embedded));
                if (keepEmbeddings) {
                    for (int i = 0; i < k; i++) {
                        kept.add(embedded[i]);
                        if (flip) {
                            keptFlipped.add(embedded[k + i]);
                        }
                    }
                }
            }
            progress.update("images", start + batch.size(), entries.size());
        }
        return new Result(outcomes, skips, keepEmbeddings ? Vectors.flatten(kept) : null,
                keepEmbeddings && flip ? Vectors.flatten(keptFlipped) : null);
    }

    /** Reads, resolves the label, decodes and preprocesses each image of a batch, in parallel. */
    private Prepared[] prepare(List<LabelledImages.Entry> batch) {
        Prepared[] out = new Prepared[batch.size()];
        IntStream.range(0, batch.size()).parallel().forEach(i -> out[i] = prepare(batch.get(i)));
        return out;
    }

    private Prepared prepare(LabelledImages.Entry entry) {
        String path = entry.path().toString();
        Optional<LabelClass> truth = nameVariant.labels().find(entry.label());
        if (truth.isEmpty()) {
            return Prepared.skipped(path, "label \"" + entry.label() + "\" is not in label set "
                    + nameVariant.labels().name());
        }
        try {
            byte[] bytes = Files.readAllBytes(entry.path());
            return new Prepared(path, truth.get().index(), preprocessor.preprocess(decoder.decode(bytes)), null);
        } catch (IOException e) {
            return Prepared.skipped(path, "cannot read: " + e.getMessage());
        } catch (InvalidImageException e) {
            return Prepared.skipped(path, e.errorType() + ": " + e.getMessage());
        }
    }

    /** The image tower on [images; flipped images], as the stream calls it. */
    private float[][] embed(List<Prepared> items) {
        int k = items.size();
        int per = preprocessor.floatsPerImage();
        float[] input = new float[(flip ? 2 * k : k) * per];
        for (int i = 0; i < k; i++) {
            System.arraycopy(items.get(i).pixels, 0, input, i * per, per);
            if (flip) {
                ImagePreprocessor.flipHorizontally(items.get(i).pixels, 0, input, (k + i) * per,
                        preprocessor.size());
            }
        }
        return encoder.embedImages(input, flip ? 2 * k : k);
    }

    private List<ImageOutcome> decide(List<Prepared> items, float[][] embedded) {
        int k = items.size();
        List<float[]> rows = Arrays.asList(embedded);
        float[] images = Vectors.flatten(rows.subList(0, k));
        float[] flipped = flip ? Vectors.flatten(rows.subList(k, 2 * k)) : null;
        List<FirstPassResult> names = nameVariant.firstPass().classify(images, flipped, k);
        List<FirstPassResult> ensembles = ensembleVariant.firstPass().classify(images, flipped, k);
        ClassifierBank bank = nameVariant.bank();
        List<ImageOutcome> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            float[] unit = Vectors.normalized(embedded[i]);
            FirstPassResult name = names.get(i);
            FirstPassResult ensemble = ensembles.get(i);
            boolean uncertain = name.consistency().uncertain();
            out.add(new ImageOutcome(items.get(i).path, items.get(i).truth, name, ensemble,
                    TopK.of(bank.logits(photoBlock, unit), FirstPass.CANDIDATES),
                    maxSoftmax(bank.logits(ClassifierBank.NAME, unit)),
                    uncertain ? nameVariant.rescorer().rescore(embedded[i], name.topClasses()) : null,
                    uncertain ? ensembleVariant.rescorer().rescore(embedded[i], ensemble.topClasses()) : null));
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

    /** One input after reading: its preprocessed pixels, or why it was skipped. */
    private record Prepared(String path, int truth, float[] pixels, EvaluationReport.Skip skip) {
        static Prepared skipped(String path, String reason) {
            return new Prepared(path, -1, null, new EvaluationReport.Skip(path, reason));
        }
    }
}
