package io.hiertag.cli;

import io.hiertag.config.HiertagConfig;
import io.hiertag.eval.PixelDump;
import io.hiertag.model.ModelContract;
import io.hiertag.tagging.TaggingEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "preprocess", description = "Write what the image tower is fed for some image files: pixels.npy "
        + "(float32 [N, S, S, 3], after normalisation, in the order given), pixels.txt (the files, one a line) and "
        + "a PNG preview of each crop. Uses the model folder's contract and the configured input limits.")
final class PreprocessCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "A model folder (hiertag-model.json).")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the files go.")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Image files.")
    List<Path> files;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
        HiertagConfig config = options.load();
        ModelContract.ImageSpec spec = ModelContract.read(model).image();
        PixelDump.Result r = new PixelDump(TaggingEngine.imageDecoder(config, spec), spec.preprocessor(),
                spec.normalization()).write(files, out);
        r.refused().forEach(line -> System.err.println("hiertag: not read: " + line));
        System.out.println(r.written().size() + " of " + files.size() + " images written to "
                + out.toAbsolutePath() + " (" + spec.size() + "x" + spec.size() + ", " + spec.resize() + ")");
        return r.written().isEmpty() ? 2 : 0;
    }
}
