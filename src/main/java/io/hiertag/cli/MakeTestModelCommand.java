package io.hiertag.cli;

import io.hiertag.model.ModelFolders;
import io.hiertag.model.TestModelExporter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "make-test-model", description = "Export the small deterministic test SavedModel into DIR.")
final class MakeTestModelCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR")
    Path dir;

    @Option(names = "--seed", description = "Weight seed (default: ${DEFAULT-VALUE}, the bundled model's).")
    long seed = ModelFolders.TEST_MODEL_SEED;

    @Override
    public Integer call() throws Exception {
        TestModelExporter.export(dir, seed, ModelFolders.testModelCorpus());
        System.out.println("test model written to " + dir.toAbsolutePath());
        return 0;
    }
}
