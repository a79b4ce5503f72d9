package io.hiertag.convert;

import io.hiertag.model.ModelContract;
import io.hiertag.model.graph.TextTowerSpec;
import io.hiertag.model.graph.VitSpec;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What a layout makes of a checkpoint folder, every tensor already checked: the towers, the table their weights
 * come from, the contract's sections (from the checkpoint's own preprocessing and tokenizer settings) and how to
 * write the tokenizer's file.
 *
 * @param format the layout's name, for the log
 * @param file the open tensor file behind {@code weights}; closed by the importer
 */
record ImportPlan(String format, VitSpec image, TextTowerSpec text, NameTable weights, TensorFile file,
        ModelContract.ImageSpec imageSpec, ModelContract.TextSpec textSpec, Vocabulary vocabulary) {

    /** Writes the tokenizer's file, {@code textSpec().vocabulary()}, into the new model folder. */
    interface Vocabulary {
        void writeTo(Path file) throws IOException;
    }

    /** @return the contract under the given model name */
    ModelContract contract(String name) {
        return new ModelContract(ModelContract.VERSION, name, image.outputSize(), imageSpec, textSpec);
    }
}
