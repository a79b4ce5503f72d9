package io.hiertag.zeroshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import io.hiertag.model.EngineBankScoring;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The engine's one-matrix-product scoring gives the same decisions as the plain-Java reference. */
class EngineBankScoringTest {

    @Test
    void engineAndJavaAgreeOnEveryArgmaxMaximumAndLogit() {
        SplittableRandom r = new SplittableRandom(11);
        int classes = 37;
        int templates = 6;
        int d = 24;
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class " + c);
        }
        float[][] e = new float[classes * (1 + templates)][d];
        for (float[] row : e) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        ClassifierBank bank = ClassifierBank.fromEmbeddings(e, names, templates);
        int n = 9;
        float[] q = new float[n * d];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) r.nextGaussian();
        }
        q = Vectors.normalizedRows(q, n, d);
        BlockScores java = new JavaBankScoring(bank).score(q, n, bank.blocks(), 2);
        try (EngineBankScoring engine = new EngineBankScoring(bank, Device.cpu())) {
            BlockScores tf = engine.score(q, n, bank.blocks(), 2);
            assertArrayEquals(java.argmax(), tf.argmax());
            assertArrayEquals(java.max(), tf.max(), 1e-5f);
            assertArrayEquals(java.logits(), tf.logits(), 1e-5f);
            BlockScores javaName = new JavaBankScoring(bank).score(q, n, 1, 0);
            BlockScores tfName = engine.score(q, n, 1, 0);
            assertArrayEquals(javaName.argmax(), tfName.argmax());
        }
    }
}
