package io.hiertag.zeroshot;

import io.hiertag.labels.LabelSet;
import io.hiertag.labels.PromptTemplates;
import java.util.List;
import java.util.function.Function;

/**
 * Everything the method needs for one label set with one model: the classifier bank and its scoring, the first
 * pass with its consistency rule, and the embedded hierarchy strings with their rescorer. Built once at start.
 */
public final class LabelSetModel implements AutoCloseable {

    /**
     * How the method runs for a label set.
     *
     * @param rule which images are uncertain
     * @param ensemble the paper's Table 4 variant: candidates from the all-template classifier, and each
     *     hierarchy string embedded as the renormalised mean over the templates instead of on its own
     */
    public record Options(ConsistencyRule rule, boolean ensemble) {
        public static Options paper() {
            return new Options(ConsistencyRule.paper(), false);
        }
    }

    /** The label set's hierarchy strings, grouped by class in class order, with the class owning each. */
    public record HierarchyTexts(List<String> strings, int[] owners) {
    }

    private final LabelSet labels;
    private final ClassifierBank bank;
    private final BankScoring scoring;
    private final FirstPass firstPass;
    private final HierarchyBank hierarchy;
    private final HierarchyRescorer rescorer;

    private LabelSetModel(LabelSet labels, ClassifierBank bank, BankScoring scoring, FirstPass firstPass,
            HierarchyBank hierarchy) {
        this.labels = labels;
        this.bank = bank;
        this.scoring = scoring;
        this.firstPass = firstPass;
        this.hierarchy = hierarchy;
        this.rescorer = new HierarchyRescorer(hierarchy);
    }

    /**
     * Embeds (or reads from the cache) every classifier text and hierarchy string, and assembles the method.
     *
     * @param scoringFactory how the bank is scored: on the model's engine in production
     */
    public static LabelSetModel build(LabelSet labels, List<String> templates, HierarchyTexts hierarchy,
            Options options, String modelId, TextEmbedder embedder, TextEmbeddingCache cache,
            Function<ClassifierBank, BankScoring> scoringFactory, EncodingProgress progress) {
        List<String> names = labels.names();
        float[][] classifierEmbeddings = cache.embeddings(labels.name() + "-classifiers", modelId,
                ClassifierBank.texts(names, templates), embedder, progress);
        ClassifierBank bank = ClassifierBank.fromEmbeddings(classifierEmbeddings, names, templates.size());
        List<String> strings = hierarchy.strings();
        float[][] stringEmbeddings = options.ensemble()
                ? templateMeans(cache.embeddings(labels.name() + "-hierarchy-ensemble", modelId,
                        PromptTemplates.applyAll(templates, strings), embedder, progress), strings.size(),
                        templates.size())
                : cache.embeddings(labels.name() + "-hierarchy", modelId, strings, embedder, progress);
        HierarchyBank hierarchyBank = new HierarchyBank(hierarchy.strings(), hierarchy.owners(), stringEmbeddings,
                labels.size());
        BankScoring scoring = scoringFactory.apply(bank);
        return new LabelSetModel(labels, bank, scoring,
                new FirstPass(bank, scoring, options.rule(), options.ensemble()), hierarchyBank);
    }

    private static float[][] templateMeans(float[][] embeddings, int strings, int templates) {
        float[][] out = new float[strings][];
        for (int s = 0; s < strings; s++) {
            float[] sum = new float[embeddings[0].length];
            for (int t = 0; t < templates; t++) {
                Vectors.addInto(sum, Vectors.normalized(embeddings[t * strings + s]));
            }
            out[s] = Vectors.normalized(sum);
        }
        return out;
    }

    public LabelSet labels() {
        return labels;
    }

    public ClassifierBank bank() {
        return bank;
    }

    public FirstPass firstPass() {
        return firstPass;
    }

    /** The embedded hierarchy strings the rescorer uses. */
    public HierarchyBank hierarchy() {
        return hierarchy;
    }

    public HierarchyRescorer rescorer() {
        return rescorer;
    }

    @Override
    public void close() {
        scoring.close();
    }
}
