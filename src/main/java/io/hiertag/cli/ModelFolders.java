package io.hiertag.cli;

import io.hiertag.config.HiertagConfig;
import io.hiertag.model.ModelContract;
import io.hiertag.model.ModelContractException;
import io.hiertag.testmodel.TestModelFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the model folder to load: the configured one, or the bundled test model, exported on first use. */
final class ModelFolders {

    private static final Logger LOG = LoggerFactory.getLogger(ModelFolders.class);

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
        Path test = TestModelFolders.ensure(config.testModelDir());
        LOG.warn("Tagging with the bundled test model in {}: its tags mean nothing; set model.dir to a real model "
                + "folder", test);
        return test;
    }
}
