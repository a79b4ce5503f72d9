package io.hiertag.eval;

import io.hiertag.labels.LabelClass;
import io.hiertag.labels.LabelSet;
import io.hiertag.zeroshot.ClassifierBank;
import io.hiertag.zeroshot.FirstPassResult;
import io.hiertag.zeroshot.HierarchyBank;
import io.hiertag.zeroshot.LabelSetModel;
import io.hiertag.zeroshot.RescoreResult;
import io.hiertag.zeroshot.Vectors;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Writes everything needed to recompute each decision elsewhere: a CSV row per image, and as {@code .npy}
 * (little-endian float32 / int32) the raw image and flipped-image embeddings, every classifier matrix (unit rows)
 * and the unit hierarchy-string embeddings with the class owning each string; the strings and classes as text.
 */
public final class EvaluationDump {

    static final String IMAGES_CSV = "images.csv";
    static final List<String> CSV_COLUMNS = List.of("image", "path", "truth", "top5", "top5_scores", "pred_name",
            "pred_all", "pred_first40", "pred_last40", "pred_flip", "template_votes", "s_t", "text_agreement",
            "flip_agreement", "uncertain", "max_logit_name", "max_logit_all", "max_softmax", "ensemble_top5",
            "ensemble_top5_scores", "photo_top5", "rescored_name", "rescored_ensemble", "final_label",
            "final_rescore_scores", "final_winning_prompts");

    private EvaluationDump() {
    }

    /**
     * @return each array file written and its shape
     */
    public static Map<String, List<Integer>> write(Path dir, Evaluator.Result result, LabelSetModel nameVariant,
            LabelSetModel ensembleVariant, boolean ensembleConfigured) {
        Map<String, List<Integer>> shapes = new LinkedHashMap<>();
        try {
            Files.createDirectories(dir);
            ClassifierBank bank = nameVariant.bank();
            int n = result.outcomes().size();
            int d = bank.dimension();
            int c = bank.classes();
            float32(dir, "image_embeddings.npy", result.embeddings(), 0, shapes, n, d);
            if (result.flippedEmbeddings() != null) {
                float32(dir, "flipped_embeddings.npy", result.flippedEmbeddings(), 0, shapes, n, d);
            }
            float32(dir, "W_name.npy", bank.weights(), ClassifierBank.NAME * c * d, shapes, c, d);
            float32(dir, "W_all.npy", bank.weights(), ClassifierBank.ALL * c * d, shapes, c, d);
            float32(dir, "W_first40.npy", bank.weights(), ClassifierBank.FIRST_HALF * c * d, shapes, c, d);
            float32(dir, "W_last40.npy", bank.weights(), ClassifierBank.SECOND_HALF * c * d, shapes, c, d);
            float32(dir, "W_templates.npy", bank.weights(), ClassifierBank.FIRST_TEMPLATE * c * d, shapes,
                    bank.templates(), c, d);
            HierarchyBank strings = nameVariant.hierarchy();
            float32(dir, "hierarchy_embeddings.npy", rows(strings), 0, shapes, strings.size(), d);
            float32(dir, "hierarchy_ensemble_embeddings.npy", rows(ensembleVariant.hierarchy()), 0, shapes,
                    strings.size(), d);
            int[] owners = new int[strings.size()];
            for (int s = 0; s < owners.length; s++) {
                owners[s] = strings.owner(s);
            }
            NpyWriter.int32(dir.resolve("hierarchy_owner.npy"), owners, owners.length);
            shapes.put("hierarchy_owner.npy", List.of(owners.length));
            int[] truth = result.outcomes().stream().mapToInt(ImageOutcome::truth).toArray();
            NpyWriter.int32(dir.resolve("truth.npy"), truth, truth.length);
            shapes.put("truth.npy", List.of(truth.length));

            Files.write(dir.resolve("hierarchy_strings.txt"), IntStream.range(0, strings.size())
                    .mapToObj(strings::string).toList(), StandardCharsets.UTF_8);
            writeClasses(dir.resolve("classes.tsv"), nameVariant.labels());
            writeCsv(dir.resolve(IMAGES_CSV), result.outcomes(), nameVariant.labels(), ensembleConfigured);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the dump to " + dir, e);
        }
        return shapes;
    }

    /** Writes {@code shape} floats of {@code data} from {@code offset} (a classifier block is a slice of the bank). */
    private static void float32(Path dir, String file, float[] data, int offset, Map<String, List<Integer>> shapes,
            int... shape) throws IOException {
        NpyWriter.float32Slice(dir.resolve(file), data, offset, shape);
        shapes.put(file, Arrays.stream(shape).boxed().toList());
    }

    private static float[] rows(HierarchyBank strings) {
        return Vectors.flatten(IntStream.range(0, strings.size()).mapToObj(strings::embedding).toList());
    }

    private static void writeClasses(Path file, LabelSet labels) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("index\twnid\tname\n");
            for (LabelClass c : labels.classes()) {
                w.write(c.index() + "\t" + (c.wnid() == null ? "" : c.wnid()) + "\t" + c.name() + "\n");
            }
        }
    }

    /**
     * One row per image. {@code top5} is the class-name candidates; {@code final_label} is the configured
     * variant's answer, the one the stream tags with, and {@code final_rescore_scores} and
     * {@code final_winning_prompts} its candidates' group scores and best strings. Lists are space-separated
     * (prompts {@code |}-separated); absent values are empty.
     */
    private static void writeCsv(Path file, List<ImageOutcome> outcomes, LabelSet labels, boolean ensemble)
            throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(String.join(",", CSV_COLUMNS) + "\n");
            for (int i = 0; i < outcomes.size(); i++) {
                ImageOutcome o = outcomes.get(i);
                FirstPassResult f = o.name();
                StringJoiner row = new StringJoiner(",");
                row.add(Integer.toString(i)).add(csv(o.path())).add(Integer.toString(o.truth()))
                        .add(ints(f.topClasses())).add(floats(f.topScores()))
                        .add(Integer.toString(f.predictions()[0])).add(Integer.toString(f.predictions()[1]))
                        .add(Integer.toString(f.predictions()[2])).add(Integer.toString(f.predictions()[3]))
                        .add(f.flipPrediction() < 0 ? "" : Integer.toString(f.flipPrediction()))
                        .add(Integer.toString(f.templateVotes()))
                        .add(num(f.consistency().templateAgreement()))
                        .add(Boolean.toString(f.consistency().textAgreement()))
                        .add(Boolean.toString(f.consistency().flipAgreement()))
                        .add(Boolean.toString(o.uncertain()))
                        .add(num(f.maxLogitName())).add(num(f.maxLogitAll())).add(num(o.maxSoftmax()))
                        .add(ints(o.ensemble().topClasses())).add(floats(o.ensemble().topScores()))
                        .add(ints(o.photoTop()))
                        .add(label(o.nameRescore())).add(label(o.ensembleRescore()))
                        .add(Integer.toString(o.finalLabel(ensemble)));
                RescoreResult r = o.rescore(ensemble);
                row.add(r == null ? "" : floats(r.groupScores()))
                        .add(r == null ? "" : csv(String.join("|", r.bestStrings())));
                w.write(row + "\n");
            }
        }
    }

    private static String label(RescoreResult r) {
        return r == null ? "" : Integer.toString(r.label());
    }

    private static String ints(int[] v) {
        return Arrays.stream(v).mapToObj(Integer::toString).collect(Collectors.joining(" "));
    }

    private static String floats(float[] v) {
        StringJoiner j = new StringJoiner(" ");
        for (float x : v) {
            j.add(num(x));
        }
        return j.toString();
    }

    /** Shortest text that reads back as the same float, so recomputed ties and orders match exactly. */
    private static String num(double x) {
        return x == (float) x ? Float.toString((float) x) : String.format(Locale.ROOT, "%.9g", x);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
