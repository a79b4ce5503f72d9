package io.hiertag.cli;

import io.hiertag.config.HiertagConfig;
import io.hiertag.eval.EvaluationReport;
import io.hiertag.eval.EvaluationRun;
import io.hiertag.eval.LabelledImages;
import io.hiertag.eval.TerminalTable;
import io.hiertag.labels.LabelSet;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", description = "Run the method offline on labelled images with the paper's protocol: "
        + "accuracy with and without rescoring, the uncertain subset, AUROC and abstention curves of each "
        + "confidence score. Writes report.json and report.html and prints a summary.")
final class EvaluateCommand implements Callable<Integer> {

    @ArgGroup(multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--images", paramLabel = "DIR",
                description = "One sub-folder per class, named by wnid or class name, holding images (JPEG, PNG, "
                        + "GIF, BMP, TIFF, WebP).")
        Path folder;

        @Option(names = "--manifest", paramLabel = "CSV", description = "Lines of path,label (paths relative to "
                + "the manifest; label a wnid or class name).")
        Path manifest;
    }

    @Option(names = "--label-set", paramLabel = "NAME", defaultValue = LabelSet.IMAGENET_1K,
            description = "A label set from label.sets (default: ${DEFAULT-VALUE}).")
    String labelSet;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "hiertag-evaluation",
            description = "Where report.json and report.html go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--dump", paramLabel = "DIR", description = "Also write per-image results (CSV), the "
            + "embeddings and every classifier matrix (.npy) to recompute each decision elsewhere.")
    Path dump;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() {
        HiertagConfig config = options.load();
        List<LabelledImages.Entry> entries = input.folder != null ? LabelledImages.fromFolders(input.folder)
                : LabelledImages.fromManifest(input.manifest);
        Path source = input.folder != null ? input.folder : input.manifest;
        EvaluationReport report = EvaluationRun.run(config, ModelFolders.resolve(config), entries,
                new EvaluationRun.Options(labelSet, source.toString(), out, dump), ConsoleProgress.stderr(),
                ConsoleProgress.stderr("evaluating", "images"));
        System.out.print(TerminalTable.render(report));
        System.out.println("report: " + out.resolve("report.html").toAbsolutePath()
                + (dump == null ? "" : "; dump: " + dump.toAbsolutePath()));
        return 0;
    }
}
