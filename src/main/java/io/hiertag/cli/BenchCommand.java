package io.hiertag.cli;

import io.hiertag.bench.BenchOptions;
import io.hiertag.bench.BenchReport;
import io.hiertag.bench.BenchRunner;
import io.hiertag.config.HiertagConfig;
import io.hiertag.model.ModelContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", description = "Measure the pipeline against the model's own limit in one process: the "
        + "image tower alone, the first pass, the whole application on an in-JVM broker with exactly-once, "
        + "latency, start-up, memory and per-stage costs, on the bench test model and real photographs. Prints a "
        + "table and writes it with a JSON report into --out.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "A short run (fewer images, shorter windows) instead of the full one.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the report goes (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("bench-results");

    @Option(names = "--batch-size", paramLabel = "N", description = "batch.size of the run (default: 32).")
    Integer batchSize;

    @Option(names = "--model", paramLabel = "DIR", description = "Bench this model folder (e.g. one import-model "
            + "wrote) instead of the bench test model. Its first start embeds ImageNet-1k's 83,000 prompts with "
            + "the folder's text tower: minutes on a CPU for a ViT-B/16 CLIP.")
    Path model;

    // Only the model is kept here; the run starts its own broker and settings, so no other setting applies.
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the bench model is exported and kept "
            + "between runs, under bench-model/ (default: ${DEFAULT-VALUE}).")
    Path dataDir = Path.of(HiertagConfig.knownKeys().get(HiertagConfig.DATA_DIR)[0]);

    @Override
    public Integer call() throws Exception {
        BenchOptions bench = quick ? BenchOptions.quick() : BenchOptions.full();
        if (batchSize != null) {
            bench = bench.withBatchSize(batchSize);
        }
        if (model != null) {
            ModelContract.read(model); // a folder that is not a model is refused before anything starts
        }
        // The exported model is kept between runs; broker, state and cache are new every time.
        Path modelDir = dataDir.resolve("bench-model");
        Path work = Files.createTempDirectory("hiertag-bench-");
        try {
            BenchRunner runner = model != null ? BenchRunner.onFolder(bench, work, model, System.err)
                    : new BenchRunner(bench, work, modelDir, System.err);
            BenchReport report = runner.run();
            report.write(out);
            System.out.print(report.markdown());
            System.out.println("\nreport written to " + out.toAbsolutePath());
            return 0;
        } finally {
            deleteTree(work);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
