package io.hiertag.zeroshot;

import io.hiertag.labels.HierarchyPrompts;
import io.hiertag.labels.LabelSet;
import io.hiertag.labels.LabelSetReader;
import io.hiertag.labels.PromptTemplates;
import io.hiertag.labels.WordNetHierarchy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Loads the configured label sets and builds the method for each: one place for the stream and evaluation. */
public final class LabelSetModels {

    private LabelSetModels() {
    }

    /**
     * @param sets label set name → its TSV file, or empty for the built-in ImageNet-1k
     * @param scoring how a classifier bank is scored (on the model's engine in production)
     * @return the models by label-set name, in the given order; close each when done
     */
    public static Map<String, LabelSetModel> load(Map<String, Optional<Path>> sets,
            HierarchyPrompts.Options hierarchy, LabelSetModel.Options method, String modelId,
            TextEmbedder embedder, TextEmbeddingCache cache, Function<ClassifierBank, BankScoring> scoring,
            EncodingProgress progress) {
        WordNetHierarchy wordnet = WordNetHierarchy.wordnet30();
        Map<String, LabelSetModel> out = new LinkedHashMap<>();
        try {
            sets.forEach((name, file) -> out.put(name, build(name, file, wordnet, hierarchy, method, modelId,
                    embedder, cache, scoring, progress)));
        } catch (RuntimeException e) {
            out.values().forEach(LabelSetModel::close);
            throw e;
        }
        return out;
    }

    /**
     * Builds the method for one label set with an already loaded WordNet (loading it takes seconds, so a caller
     * building several variants loads it once).
     *
     * @param file the label set's TSV file, or empty for the built-in ImageNet-1k
     */
    public static LabelSetModel build(String name, Optional<Path> file, WordNetHierarchy wordnet,
            HierarchyPrompts.Options hierarchy, LabelSetModel.Options method, String modelId,
            TextEmbedder embedder, TextEmbeddingCache cache, Function<ClassifierBank, BankScoring> scoring,
            EncodingProgress progress) {
        LabelSet labels = file.map(f -> LabelSetReader.read(name, f, wordnet)).orElseGet(LabelSet::imagenet1k);
        HierarchyPrompts prompts = HierarchyPrompts.build(labels, wordnet, hierarchy);
        return LabelSetModel.build(labels, PromptTemplates.clipImagenet(),
                new LabelSetModel.HierarchyTexts(prompts.strings(), prompts.owners()), method, modelId, embedder,
                cache, scoring, progress);
    }
}
