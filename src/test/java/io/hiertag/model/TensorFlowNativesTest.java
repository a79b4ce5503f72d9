package io.hiertag.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the natives are looked for when nobody set TENSORFLOW_LIBRARY_PATH. */
class TensorFlowNativesTest {

    private static final String LIBRARY = System.mapLibraryName("jnitensorflow");

    @TempDir
    Path target;

    @Test
    void prefersTheFolderTheBuildRecorded() throws IOException {
        Path recorded = natives(target.resolve("elsewhere"));
        natives(target.resolve("tensorflow-native/linux-x86_64"));
        assertEquals(recorded, TensorFlowNatives.locate(build(recorded, "linux-x86_64"), target.resolve("classes")));
    }

    @Test
    void fallsBackToTheTargetFolderOfTheJarOrClasses() throws IOException {
        Path beside = natives(target.resolve("tensorflow-native/linux-x86_64-gpu"));
        Properties moved = build(target.resolve("gone"), "linux-x86_64-gpu");
        assertEquals(beside, TensorFlowNatives.locate(moved, target.resolve("hierarchy-tagger.jar")));
        assertEquals(beside, TensorFlowNatives.locate(moved, target.resolve("classes")));
    }

    @Test
    void saysWhatToBuildOrSetWhenNothingIsFound() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TensorFlowNatives.locate(new Properties(), target.resolve("classes")));
        assertTrue(e.getMessage().contains("mvn package -DskipTests"), e.getMessage());
        assertTrue(e.getMessage().contains("TENSORFLOW_LIBRARY_PATH"), e.getMessage());
        assertTrue(e.getMessage().contains(target.resolve("tensorflow-native/linux-x86_64").toString()),
                e.getMessage());
    }

    @Test
    void theBuildRecordsItsNativesFolder() {
        TensorFlowNatives.ensureConfigured();
        TensorFlowNatives.ensureConfigured(); // idempotent
        assertEquals("true", System.getProperty("ai.djl.offline"));
        String path = System.getenv(TensorFlowNatives.LIBRARY_PATH);
        path = path != null ? path : System.getProperty(TensorFlowNatives.LIBRARY_PATH);
        assertTrue(Files.isRegularFile(Path.of(path).resolve(LIBRARY)), path);
    }

    private static Path natives(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(LIBRARY), "");
        return dir;
    }

    private static Properties build(Path dir, String classifier) {
        Properties properties = new Properties();
        properties.setProperty("tensorflow.native.dir", dir.toString());
        properties.setProperty("tensorflow.native.classifier", classifier);
        return properties;
    }
}
