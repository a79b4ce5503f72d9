package io.hiertag.zeroshot;

import io.hiertag.labels.HierarchyPrompts;
import io.hiertag.labels.PromptTemplates;
import io.hiertag.labels.WordNetHierarchy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

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
        Map<String, LabelSetModel> out = new LinkedHashMap<>();
        try {
            sets.forEach((name, file) -> out.put(name, build(name, file, WordNetHierarchy::wordnet30, hierarchy,
                    method, modelId, embedder, cache, scoring, progress)));
        } catch (RuntimeException e) {
            out.values().forEach(LabelSetModel::close);
            throw e;
        }
        return out;
    }

    /**
     * Builds the method for one label set. What WordNet gives it (the senses, the hierarchy strings) is read from
     * beside the text embeddings in {@code cache} when there, so a warm start never loads WordNet.
     *
     * @param file the label set's TSV file, or empty for the built-in ImageNet-1k
     * @param wordnet asked for WordNet only when the cache has no entry (loading it takes seconds)
     */
    public static LabelSetModel build(String name, Optional<Path> file, Supplier<WordNetHierarchy> wordnet,
            HierarchyPrompts.Options hierarchy, LabelSetModel.Options method, String modelId,
            TextEmbedder embedder, TextEmbeddingCache cache, Function<ClassifierBank, BankScoring> scoring,
            EncodingProgress progress) {
        HierarchyTextCache.Entry texts = new HierarchyTextCache(cache.dir()).resolve(name, file, hierarchy, wordnet);
        return LabelSetModel.build(texts.labels(), PromptTemplates.clipImagenet(), texts.texts(), method, modelId,
                embedder, cache, scoring, progress);
    }
}
