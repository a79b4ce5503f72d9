package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hiertag.labels.HierarchyPrompts;
import io.hiertag.labels.WordNetHierarchy;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.zeroshot.ClassifierBank;
import io.hiertag.zeroshot.EncodingProgress;
import io.hiertag.zeroshot.LabelSetModel;
import io.hiertag.zeroshot.LabelSetModels;
import io.hiertag.zeroshot.TextEmbedder;
import io.hiertag.zeroshot.TextEmbeddingCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ImageNet-1k on the real test model: the first start runs the text tower and WordNet, the second reads the
 * caches only.
 */
class WarmStartTest {

    @TempDir
    Path cacheDir;

    @Test
    void aSecondStartWithTheSameModelAndLabelSetSkipsTheTextTower() {
        try (SavedModelDualEncoder encoder = SavedModelDualEncoder.open(TestModels.testModel())) {
            AtomicInteger texts = new AtomicInteger();
            TextEmbedder counting = batch -> {
                texts.addAndGet(batch.size());
                return encoder.embedTexts(batch);
            };
            Map<String, LabelSetModel> cold = load(encoder, counting);
            // 1000 names + 80 × 1000 prompts + 1,969 hierarchy strings.
            assertEquals(1000 + 80_000 + 1969, texts.get());
            Map<String, LabelSetModel> warm = load(encoder, counting);
            assertEquals(1000 + 80_000 + 1969, texts.get(), "the warm start must not run the text tower");
            ClassifierBank a = cold.get("imagenet-1k").bank();
            ClassifierBank b = warm.get("imagenet-1k").bank();
            assertArrayEquals(a.weights(), b.weights());
            cold.values().forEach(LabelSetModel::close);
            warm.values().forEach(LabelSetModel::close);
        }
    }

    /**
     * What WordNet gives a label set (senses of a custom set, hierarchy strings) is cached beside the embeddings:
     * a warm start does not ask for WordNet and builds the same method; a changed file or option asks again.
     */
    @Test
    void aWarmStartDoesNotLoadWordNetAndBuildsTheSameBanks(@TempDir Path dir) throws Exception {
        Path household = Files.copy(Path.of(Objects.requireNonNull(getClass().getResource(
                "/hiertag/labels/examples/household.tsv")).toURI()), dir.resolve("household.tsv"));
        AtomicInteger loads = new AtomicInteger();
        Supplier<WordNetHierarchy> wordnet = () -> {
            loads.incrementAndGet();
            return WordNetHierarchy.wordnet30();
        };
        try (SavedModelDualEncoder encoder = SavedModelDualEncoder.open(TestModels.testModel())) {
            for (Optional<Path> file : List.of(Optional.<Path>empty(), Optional.of(household))) {
                int before = loads.get();
                try (LabelSetModel cold = build(encoder, file, wordnet, HierarchyPrompts.Options.DEFAULT);
                     LabelSetModel warm = build(encoder, file, wordnet, HierarchyPrompts.Options.DEFAULT)) {
                    assertEquals(before + 1, loads.get(), "WordNet only for the cold start of " + file);
                    assertEquals(cold.labels().classes(), warm.labels().classes());
                    assertEquals(cold.labels().name(), warm.labels().name());
                    assertArrayEquals(cold.bank().weights(), warm.bank().weights());
                    assertEquals(cold.hierarchy().size(), warm.hierarchy().size());
                    for (int i = 0; i < cold.hierarchy().size(); i++) {
                        assertEquals(cold.hierarchy().string(i), warm.hierarchy().string(i));
                        assertEquals(cold.hierarchy().owner(i), warm.hierarchy().owner(i));
                        assertArrayEquals(cold.hierarchy().embedding(i), warm.hierarchy().embedding(i));
                    }
                }
            }
            assertEquals(2, loads.get());
            build(encoder, Optional.of(household), wordnet, new HierarchyPrompts.Options(
                    HierarchyPrompts.PromptStyle.PAPER, HierarchyPrompts.ParentText.FIRST_LEMMA, 10)).close();
            assertEquals(3, loads.get(), "another option is another entry");
            Files.writeString(household, "colander\tcolander#n#1\n", StandardOpenOption.APPEND);
            try (LabelSetModel changed = build(encoder, Optional.of(household), wordnet,
                    HierarchyPrompts.Options.DEFAULT)) {
                assertEquals(4, loads.get(), "another file is another entry");
                assertEquals("colander", changed.labels().get(changed.labels().size() - 1).name());
            }
        }
    }

    private LabelSetModel build(SavedModelDualEncoder encoder, Optional<Path> file,
            Supplier<WordNetHierarchy> wordnet, HierarchyPrompts.Options options) {
        return LabelSetModels.build(file.isPresent() ? "household" : "imagenet-1k", file, wordnet, options,
                LabelSetModel.Options.paper(), encoder.modelId(), encoder::embedTexts,
                new TextEmbeddingCache(cacheDir), encoder::bankScoring, EncodingProgress.NONE);
    }

    private Map<String, LabelSetModel> load(SavedModelDualEncoder encoder, TextEmbedder embedder) {
        return LabelSetModels.load(Map.of("imagenet-1k", Optional.empty()), HierarchyPrompts.Options.DEFAULT,
                LabelSetModel.Options.paper(), encoder.modelId(), embedder, new TextEmbeddingCache(cacheDir),
                encoder::bankScoring, EncodingProgress.NONE);
    }
}
