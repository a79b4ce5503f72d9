package io.hiertag.cli;

import io.hiertag.config.HiertagConfig;
import io.hiertag.model.ModelContract;
import io.hiertag.model.ModelContractException;
import io.hiertag.testmodel.TestModelFolders;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the model folder to load: the configured one, or the bundled test model, exported on first use. */
final class ModelFolders {

    private ModelFolders() {
    }

    static Path resolve(HiertagConfig config) {
        if (config.modelDir().isPresent()) {
            Path dir = config.modelDir().get();
            if (!Files.isRegularFile(dir.resolve(ModelContract.FILE_NAME))) {
                throw new ModelContractException(dir.resolve(ModelContract.FILE_NAME), "(file)",
                        "missing; model.dir must name a folder holding a SavedModel and its "
                                + ModelContract.FILE_NAME);
            }
            return dir;
        }
        return TestModelFolders.ensure(config.testModelDir());
    }
}
