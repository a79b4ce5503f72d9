package io.hiertag.zeroshot;

import io.hiertag.labels.PromptTemplates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every zero-shot classifier the first pass uses, for one label set and one model, stacked into one matrix so
 * that a batch of images is scored with a single matrix product. Blocks of {@code classes} unit rows, in order:
 * {@link #NAME} (the bare class name), {@link #ALL} (all templates), {@link #FIRST_HALF} (templates 0–39),
 * {@link #SECOND_HALF} (40–79), then one block per template. An ensemble row is the mean of the class's unit
 * template embeddings, renormalised (the OpenAI / released-code recipe, METHOD D3).
 */
public final class ClassifierBank {

    public static final int NAME = 0;
    public static final int ALL = 1;
    public static final int FIRST_HALF = 2;
    public static final int SECOND_HALF = 3;
    public static final int FIRST_TEMPLATE = 4;

    private final int classes;
    private final int dimension;
    private final int templates;
    private final float[] weights;
    private final int[] canonical;

    /**
     * @param weights {@code blocks() * classes * dimension} floats, row-major, rows already unit length
     * @param canonical for each class, the first class with the same text (itself when its text is unique)
     */
    public ClassifierBank(int classes, int dimension, int templates, float[] weights, int[] canonical) {
        if (templates < 2 || templates % 2 != 0) {
            throw new IllegalArgumentException("need an even number of templates, got " + templates);
        }
        if (weights.length != (long) (FIRST_TEMPLATE + templates) * classes * dimension) {
            throw new IllegalArgumentException("weights hold " + weights.length + " floats, expected "
                    + (FIRST_TEMPLATE + templates) * classes * dimension);
        }
        this.classes = classes;
        this.dimension = dimension;
        this.templates = templates;
        this.weights = weights;
        this.canonical = canonical.clone();
    }

    /**
     * For each class, the first class whose text is the same (ImageNet has two "missile" and two "sunglasses").
     * Such classes get bitwise-identical rows and scores, so an exact tie always goes to the lower index, as in
     * numpy, whatever order a matrix product on the engine sums in.
     */
    public static int[] canonicalClasses(List<String> classTexts) {
        int[] out = new int[classTexts.size()];
        Map<String, Integer> first = new HashMap<>();
        for (int c = 0; c < out.length; c++) {
            Integer seen = first.putIfAbsent(classTexts.get(c), c);
            out[c] = seen == null ? c : seen;
        }
        return out;
    }

    /** The texts a bank needs embedded, in the order {@link #fromEmbeddings} takes them: names, then templates. */
    public static List<String> texts(List<String> classTexts, List<String> templates) {
        List<String> out = new ArrayList<>(classTexts);
        out.addAll(PromptTemplates.applyAll(templates, classTexts));
        return out;
    }

    /**
     * Builds the bank from the embeddings of {@link #texts}: {@code classes} bare names, then for each template
     * the {@code classes} formatted prompts. Every embedding is normalised first.
     */
    public static ClassifierBank fromEmbeddings(float[][] embeddings, List<String> classTexts, int templates) {
        int classes = classTexts.size();
        int[] canonical = canonicalClasses(classTexts);
        if (embeddings.length != classes * (1 + templates)) {
            throw new IllegalArgumentException("expected " + classes * (1 + templates) + " embeddings, got "
                    + embeddings.length);
        }
        int d = embeddings[0].length;
        float[] w = new float[(FIRST_TEMPLATE + templates) * classes * d];
        int half = templates / 2;
        for (int c = 0; c < classes; c++) {
            if (canonical[c] != c) {
                for (int b = 0; b < FIRST_TEMPLATE + templates; b++) {
                    System.arraycopy(w, (b * classes + canonical[c]) * d, w, (b * classes + c) * d, d);
                }
                continue;
            }
            put(w, NAME, c, classes, Vectors.normalized(embeddings[c]));
            float[] all = new float[d];
            float[] first = new float[d];
            float[] second = new float[d];
            for (int t = 0; t < templates; t++) {
                float[] unit = Vectors.normalized(embeddings[classes + t * classes + c]);
                put(w, FIRST_TEMPLATE + t, c, classes, unit);
                Vectors.addInto(all, unit);
                Vectors.addInto(t < half ? first : second, unit);
            }
            put(w, ALL, c, classes, Vectors.normalized(all));
            put(w, FIRST_HALF, c, classes, Vectors.normalized(first));
            put(w, SECOND_HALF, c, classes, Vectors.normalized(second));
        }
        return new ClassifierBank(classes, d, templates, w, canonical);
    }

    private static void put(float[] w, int block, int c, int classes, float[] row) {
        System.arraycopy(row, 0, w, (block * classes + c) * row.length, row.length);
    }

    public int classes() {
        return classes;
    }

    public int dimension() {
        return dimension;
    }

    public int templates() {
        return templates;
    }

    public int blocks() {
        return FIRST_TEMPLATE + templates;
    }

    /** The stacked weights, {@code blocks() × classes} rows of {@code dimension}; shared, do not modify. */
    public float[] weights() {
        return weights;
    }

    /** The class an exact tie with {@code c} resolves to: the first class with the same text. */
    public int canonical(int c) {
        return canonical[c];
    }

    /**
     * One image's cosine with every class under one classifier, in plain Java: for the few classifiers an
     * evaluation reports beyond what the first pass keeps. Duplicate classes share bitwise-identical rows, so
     * their scores tie exactly and a top-k puts the lower index first, as the first pass does.
     *
     * @param unitQuery an L2-normalised image embedding
     */
    public float[] logits(int block, float[] unitQuery) {
        float[] out = new float[classes];
        for (int c = 0; c < classes; c++) {
            int base = (block * classes + c) * dimension;
            double s = 0;
            for (int j = 0; j < dimension; j++) {
                s += unitQuery[j] * weights[base + j];
            }
            out[c] = (float) s;
        }
        return out;
    }

    /** One unit row: classifier {@code block}, class {@code c}. */
    public float[] row(int block, int c) {
        float[] out = new float[dimension];
        System.arraycopy(weights, (block * classes + c) * dimension, out, 0, dimension);
        return out;
    }
}
