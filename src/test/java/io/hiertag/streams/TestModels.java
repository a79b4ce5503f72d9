package io.hiertag.streams;

import io.hiertag.model.ModelFolders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bundled test model, exported once per test JVM into a temporary folder and shared by the tests. */
final class TestModels {

    private static Path dir;

    private TestModels() {
    }

    static synchronized Path testModel() {
        if (dir == null) {
            try {
                Path tmp = Files.createTempDirectory("hiertag-test-model-");
                tmp.toFile().deleteOnExit();
                dir = ModelFolders.ensureTestModel(tmp.resolve("model"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }
}
