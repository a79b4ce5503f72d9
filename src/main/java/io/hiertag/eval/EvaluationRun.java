package io.hiertag.eval;

import io.hiertag.config.HiertagConfig;
import io.hiertag.labels.WordNetHierarchy;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.tagging.BatchEmbedder;
import io.hiertag.tagging.TaggingEngine;
import io.hiertag.zeroshot.ConsistencyRule;
import io.hiertag.zeroshot.EncodingProgress;
import io.hiertag.zeroshot.LabelSetModel;
import io.hiertag.zeroshot.LabelSetModels;
import io.hiertag.zeroshot.TextEmbeddingCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One evaluation end to end: loads the model and both variants of the method for a label set with the same
 * settings the stream uses, evaluates the images, and writes {@code report.json}, {@code report.html} and, when
 * asked, the dump.
 */
public final class EvaluationRun {

    private static final Logger LOG = LoggerFactory.getLogger(EvaluationRun.class);

    /**
     * @param labelSet a label set named in {@code label.sets}
     * @param input the folder or manifest the images came from, for the report
     * @param reportDir where report.json and report.html go
     * @param dumpDir where the per-image dump goes, or null for none
     */
    public record Options(String labelSet, String input, Path reportDir, Path dumpDir) {
    }

    private EvaluationRun() {
    }

    /**
     * @param textProgress how the first embedding of the label set's texts advances
     * @param imageProgress how the evaluation of the images advances
     */
    public static EvaluationReport run(HiertagConfig config, Path modelDir, List<LabelledImages.Entry> entries,
            Options options, EncodingProgress textProgress, EncodingProgress imageProgress) {
        long t0 = System.nanoTime();
        Optional<Path> file = labelSetFile(config, options.labelSet());
        ConsistencyRule rule = config.consistencyRule();
        try (SavedModelDualEncoder encoder = SavedModelDualEncoder.open(modelDir, config.device())) {
            TextEmbeddingCache cache = new TextEmbeddingCache(config.cacheDir());
            try (LabelSetModel name = LabelSetModels.build(options.labelSet(), file, WordNetHierarchy::wordnet30,
                    config.hierarchyOptions(), new LabelSetModel.Options(rule, false), encoder.modelId(),
                    encoder::embedTexts, cache, encoder::bankScoring, textProgress);
                    LabelSetModel ensemble = name.withOptions(new LabelSetModel.Options(rule, true),
                            encoder::embedTexts, cache, textProgress);
                    BatchEmbedder embedder = new BatchEmbedder(encoder, rule.flip())) {
                Evaluator evaluator = new Evaluator(embedder, TaggingEngine.imageDecoder(config, encoder.contract().image()), name, ensemble,
                        config.batchSize());
                LOG.info("Evaluating {} images on {} with {}", entries.size(), options.labelSet(), encoder.modelId());
                long imagesStart = System.nanoTime();
                Evaluator.Result result = evaluator.evaluate(entries, imageProgress, options.dumpDir() != null);
                double imageSeconds = (System.nanoTime() - imagesStart) / 1e9;
                Map<String, List<Integer>> shapes = options.dumpDir() == null ? Map.of()
                        : EvaluationDump.write(options.dumpDir(), result, name, ensemble, config.rescoringEnsemble());
                int evaluated = result.outcomes().size();
                EvaluationReport.Setup setup = new EvaluationReport.Setup(encoder.modelId(), options.labelSet(),
                        name.labels().size(), options.input(), evaluated, result.skips().size(),
                        (int) result.outcomes().stream().filter(ImageOutcome::uncertain).count(), describe(rule),
                        (System.nanoTime() - t0) / 1e9, evaluated == 0 ? Double.NaN : 1000 * imageSeconds / evaluated,
                        result.skips(), Instant.now().toString());
                EvaluationReport report = ReportBuilder.build(setup, result.outcomes(), name.labels(),
                        config.rescoringEnsemble(), rule.flip(), shapes);
                Files.createDirectories(options.reportDir());
                ReportJson.write(report, options.reportDir().resolve("report.json"));
                HtmlReport.write(report, options.reportDir().resolve("report.html"));
                LOG.info("Evaluated {} images ({} skipped) in {} s; report in {}", evaluated, result.skips().size(),
                        String.format(Locale.ROOT, "%.1f", setup.seconds()), options.reportDir());
                return report;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + options.reportDir(), e);
        }
    }

    private static Optional<Path> labelSetFile(HiertagConfig config, String name) {
        Map<String, Optional<Path>> sets = config.labelSets();
        if (!sets.containsKey(name)) {
            throw new EvaluationInputException("label set " + name + " is not configured; label.sets has "
                    + sets.keySet());
        }
        return sets.get(name);
    }

    static String describe(ConsistencyRule rule) {
        String text = rule.discrete() ? "discrete" : "S_T<=" + rule.threshold();
        return rule.flip() ? text + "+flip" : text;
    }
}
