package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hiertag.labels.HierarchyPrompts;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.zeroshot.ClassifierBank;
import io.hiertag.zeroshot.EncodingProgress;
import io.hiertag.zeroshot.LabelSetModel;
import io.hiertag.zeroshot.LabelSetModels;
import io.hiertag.zeroshot.TextEmbedder;
import io.hiertag.zeroshot.TextEmbeddingCache;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ImageNet-1k on the real test model: the first start runs the text tower, the second reads the cache only. */
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

    private Map<String, LabelSetModel> load(SavedModelDualEncoder encoder, TextEmbedder embedder) {
        return LabelSetModels.load(Map.of("imagenet-1k", Optional.empty()), HierarchyPrompts.Options.DEFAULT,
                LabelSetModel.Options.paper(), encoder.modelId(), embedder, new TextEmbeddingCache(cacheDir),
                encoder::bankScoring, EncodingProgress.NONE);
    }
}
