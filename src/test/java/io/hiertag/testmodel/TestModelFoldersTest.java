package io.hiertag.testmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.hiertag.model.ModelContract;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A test model folder is written once, kept while current, and replaced when an earlier version wrote it. */
class TestModelFoldersTest {

    @TempDir
    Path dir;

    @Test
    void aFolderFromAnEarlierVersionIsReplacedAndACurrentOneKept() throws Exception {
        Path model = dir.resolve("test-model");
        TestModelFolders.ensure(model);
        Path pb = model.resolve("saved_model.pb");
        long written = Files.getLastModifiedTime(pb).toMillis();
        TestModelFolders.ensure(model);
        assertEquals(written, Files.getLastModifiedTime(pb).toMillis(), "a current folder is kept as it is");

        // What an earlier version left: another model's contract (here the bench variant's) in the folder.
        ModelContract earlier = TestModelExporter.contract(TestModelVariant.BENCH);
        assertNotEquals(TestModelExporter.contract(), earlier);
        earlier.write(model);
        TestModelFolders.ensure(model);
        assertEquals(TestModelExporter.contract(), ModelContract.read(model));
        try (var siblings = Files.list(dir)) {
            assertEquals(1, siblings.count(), "the outdated folder is gone, nothing half-written is left");
        }
    }
}
