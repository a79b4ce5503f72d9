package io.hiertag.cli;

import io.hiertag.testmodel.TestModelExporter;
import io.hiertag.testmodel.TestModelFolders;
import io.hiertag.testmodel.TestModelVariant;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "make-test-model", description = "Export a deterministic test SavedModel into DIR: the small "
        + "test model, or with --variant bench the heavier one `hiertag bench` measures.")
final class MakeTestModelCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR")
    Path dir;

    @Option(names = "--seed", description = "Weight seed (default: ${DEFAULT-VALUE}, the bundled model's).")
    long seed = TestModelFolders.TEST_MODEL_SEED;

    @Option(names = "--variant", paramLabel = "NAME", description = "test (default) or bench.",
            converter = VariantConverter.class)
    TestModelVariant variant = TestModelVariant.TEST;

    @Override
    public Integer call() throws Exception {
        TestModelExporter.export(dir, variant, seed);
        System.out.println("test model written to " + dir.toAbsolutePath());
        return 0;
    }

    static final class VariantConverter implements picocli.CommandLine.ITypeConverter<TestModelVariant> {
        @Override
        public TestModelVariant convert(String value) {
            return TestModelVariant.parse(value);
        }
    }
}
