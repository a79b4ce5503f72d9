package io.hiertag.cli;

import io.hiertag.convert.CheckpointFormat;
import io.hiertag.convert.ModelImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "import-model", description = "Turn a downloaded checkpoint into a model folder (SavedModel, "
        + "vocabulary, hiertag-model.json), without Python: OpenCLIP (open_clip_config.json + "
        + "open_clip_model.safetensors), Hugging Face CLIP (config.json, model.safetensors, vocab.json, merges.txt, "
        + "preprocessor_config.json) or LiT (the release's .npz and its vocabulary .txt). fp32, fp16 and bf16 "
        + "tensors. The folder is written beside --out and moved into place only when whole.")
final class ImportModelCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "The checkpoint folder.")
    Path from;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The model folder to create; "
            + "must not exist.")
    Path out;

    @Option(names = "--format", paramLabel = "NAME", description = "openclip, hf-clip or lit (default: told "
            + "from the files).")
    String format;

    @Option(names = "--name", paramLabel = "NAME", description = "The model's name on its tags (default: the "
            + "checkpoint folder's name).")
    String name;

    @Override
    public Integer call() {
        if (Files.exists(out)) {
            throw new UserInputException(out + " exists; --out must name a new folder");
        }
        if (name != null && name.isBlank()) {
            throw new UserInputException("--name must not be blank");
        }
        ModelImporter.Result r = ModelImporter.importModel(from, out,
                format == null ? null : CheckpointFormat.parse(format), name);
        System.out.printf("imported %s (%s) into %s: %.1f MB in %.1f s%n", r.modelId(), r.format().id(),
                r.folder(), r.bytes() / 1e6, r.took().toMillis() / 1000.0);
        return 0;
    }
}
