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
    private final List<String> templates;
    private final String modelId;
    private final ClassifierBank bank;
    private final BankScoring scoring;
    private final boolean ownsScoring;
    private final FirstPass firstPass;
    private final HierarchyTexts hierarchyTexts;
    private final HierarchyBank hierarchy;
    private final HierarchyRescorer rescorer;

    private LabelSetModel(LabelSet labels, List<String> templates, String modelId, ClassifierBank bank,
            BankScoring scoring, boolean ownsScoring, Options options, HierarchyTexts hierarchyTexts,
            HierarchyBank hierarchy) {
        this.labels = labels;
        this.templates = List.copyOf(templates);
        this.modelId = modelId;
        this.bank = bank;
        this.scoring = scoring;
        this.ownsScoring = ownsScoring;
        this.firstPass = new FirstPass(bank, scoring, options.rule(), options.ensemble());
        this.hierarchyTexts = hierarchyTexts;
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
        HierarchyBank hierarchyBank = hierarchyBank(labels, templates, hierarchy, options.ensemble(), modelId,
                embedder, cache, progress);
        return new LabelSetModel(labels, templates, modelId, bank, scoringFactory.apply(bank), true, options,
                hierarchy, hierarchyBank);
    }

    /**
     * The same label set and classifiers run with other options, e.g. the ensemble variant beside the paper's in
     * an evaluation. The classifier bank and its scoring are shared, not built again (for ImageNet they are the
     * largest part of the model), and stay owned by this model: close the variant first. Only the hierarchy
     * strings are embedded (or read from the cache) again if the options want them another way.
     */
    public LabelSetModel withOptions(Options options, TextEmbedder embedder, TextEmbeddingCache cache,
            EncodingProgress progress) {
        HierarchyBank hierarchyBank = hierarchyBank(labels, templates, hierarchyTexts, options.ensemble(), modelId,
                embedder, cache, progress);
        return new LabelSetModel(labels, templates, modelId, bank, scoring, false, options, hierarchyTexts,
                hierarchyBank);
    }

    private static HierarchyBank hierarchyBank(LabelSet labels, List<String> templates, HierarchyTexts hierarchy,
            boolean ensemble, String modelId, TextEmbedder embedder, TextEmbeddingCache cache,
            EncodingProgress progress) {
        List<String> strings = hierarchy.strings();
        float[][] embeddings = ensemble
                ? templateMeans(cache.embeddings(labels.name() + "-hierarchy-ensemble", modelId,
                        PromptTemplates.applyAll(templates, strings), embedder, progress), strings.size(),
                        templates.size())
                : cache.embeddings(labels.name() + "-hierarchy", modelId, strings, embedder, progress);
        return new HierarchyBank(strings, hierarchy.owners(), embeddings, labels.size());
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

    /** Releases the scoring on the engine, unless it is shared from the model this one is a variant of. */
    @Override
    public void close() {
        if (ownsScoring) {
            scoring.close();
        }
    }
}
