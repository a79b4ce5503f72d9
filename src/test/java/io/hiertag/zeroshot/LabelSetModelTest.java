package io.hiertag.zeroshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hiertag.labels.LabelClass;
import io.hiertag.labels.LabelSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the two rescoring variants embed the hierarchy strings, on a hand-made text tower. */
class LabelSetModelTest {

    private static final LabelSet LABELS = new LabelSet("tiny", List.of(new LabelClass(0, null, "cat"),
            new LabelClass(1, null, "dog")));
    private static final List<String> TEMPLATES = List.of("a {}.", "the {}.");
    private static final LabelSetModel.HierarchyTexts STRINGS = new LabelSetModel.HierarchyTexts(
            List.of("cat which is a kind of feline", "dog which is a kind of canine"), new int[] {0, 1});

    /** A text's vector says whether it mentions a cat or a dog, and whether the template starts with "the". */
    private static float[][] tower(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            float x = t.contains("cat") ? 1 : 0;
            float y = t.contains("dog") ? 1 : 0;
            float z = t.startsWith("the ") ? 1 : 0;
            out[i] = new float[] {x, y, z};
        }
        return out;
    }

    private static LabelSetModel build(boolean ensemble) {
        return LabelSetModel.build(LABELS, TEMPLATES, STRINGS,
                new LabelSetModel.Options(ConsistencyRule.paper(), ensemble), "m", LabelSetModelTest::tower,
                new TextEmbeddingCache(null), JavaBankScoring::new, EncodingProgress.NONE);
    }

    private static final float SIN_22_5 = (float) Math.sin(Math.PI / 8);
    private static final float COS_22_5 = (float) Math.cos(Math.PI / 8);

    @Test
    void thePaperVariantEmbedsEachHierarchyStringOnItsOwn() {
        // "cat which is …" embeds to (1,0,0), orthogonal to the image (0,0,1).
        RescoreResult r = build(false).rescorer().rescore(new float[] {0, 0, 1}, new int[] {0, 1});
        assertArrayEquals(new float[] {0f, 0f}, r.groupScores(), 1e-6f);
        assertEquals("cat which is a kind of feline", r.bestStrings()[0]);
    }

    @Test
    void theEnsembleVariantUsesTheRenormalisedMeanOverTheTemplates() {
        // "a cat which …" → (1,0,0) and "the cat which …" → (1,0,1)/√2: their unit mean leans 22.5° towards z.
        RescoreResult r = build(true).rescorer().rescore(new float[] {0, 0, 1}, new int[] {1, 0});
        assertArrayEquals(new float[] {SIN_22_5, SIN_22_5}, r.groupScores(), 1e-6f);
        assertEquals(1, r.label(), "an exact tie goes to the candidate ranked first");
    }

    @Test
    void theClassifierBankIsBuiltFromNamesAndTemplates() {
        LabelSetModel m = build(false);
        assertArrayEquals(new float[] {1, 0, 0}, m.bank().row(ClassifierBank.NAME, 0), 1e-6f);
        float s = (float) (1 / Math.sqrt(2));
        assertArrayEquals(new float[] {0, s, s}, m.bank().row(ClassifierBank.FIRST_TEMPLATE + 1, 1), 1e-6f);
        assertArrayEquals(new float[] {0, COS_22_5, SIN_22_5}, m.bank().row(ClassifierBank.ALL, 1), 1e-6f);
        assertArrayEquals(new float[] {0, 1, 0}, m.bank().row(ClassifierBank.FIRST_HALF, 1), 1e-6f);
    }
}
