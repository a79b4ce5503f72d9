package io.hiertag.model;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points DJL at the TensorFlow natives that the Maven build unpacks, and switches DJL to offline mode, so that
 * neither {@code java -cp ...} nor a test JVM needs an exported variable.
 *
 * <p>DJL reads {@value #LIBRARY_PATH} (environment variable first, then system property) when the TensorFlow
 * engine starts. If neither is set, {@link #ensureConfigured()} sets the system property to the first folder
 * holding the JNI library among:
 *
 * <ol>
 *   <li>{@code tensorflow.native.dir} from the classpath resource {@value #BUILD_PROPERTIES}, written by the
 *       build;
 *   <li>{@code <target>/tensorflow-native/<classifier>}, where {@code <target>} is the folder holding this
 *       class's jar ({@code target/hierarchy-tagger.jar}) or class folder ({@code target/classes}), so a moved
 *       checkout still works.
 * </ol>
 *
 * <p>This must run before anything starts the TensorFlow engine; every entry point of this package calls it.
 */
public final class TensorFlowNatives {

    /** The variable DJL's TensorFlow engine reads (environment variable or system property). */
    public static final String LIBRARY_PATH = "TENSORFLOW_LIBRARY_PATH";

    static final String BUILD_PROPERTIES = "hiertag/build.properties";
    static final String ENGINE_NAME = "TensorFlow";

    private static final Logger log = LoggerFactory.getLogger(TensorFlowNatives.class);
    // Only the default build's platform; a build always writes its own classifier into build.properties.
    private static final String DEFAULT_CLASSIFIER = "linux-x86_64";
    private static final String JNI_LIBRARY = System.mapLibraryName("jnitensorflow");

    private static boolean configured;

    private TensorFlowNatives() {}

    /**
     * Sets {@code ai.djl.offline=true} and, unless {@value #LIBRARY_PATH} is already set, the system property
     * {@value #LIBRARY_PATH}. Idempotent and thread-safe.
     *
     * @throws IllegalStateException when no natives folder is found
     */
    public static synchronized void ensureConfigured() {
        if (configured) {
            return;
        }
        // Nothing may be downloaded: a missing library must fail fast instead of reaching for DJL's CDN.
        System.setProperty("ai.djl.offline", "true");
        if (System.getenv(LIBRARY_PATH) == null && System.getProperty(LIBRARY_PATH) == null) {
            Path dir = locate(readBuildProperties(), codeLocation());
            System.setProperty(LIBRARY_PATH, dir.toString());
            log.info("TensorFlow natives: {}={} (found by the application)", LIBRARY_PATH, dir);
        }
        configured = true;
    }

    /**
     * Returns DJL's TensorFlow engine, configuring the natives first.
     *
     * @return the TensorFlow engine
     */
    public static Engine engine() {
        ensureConfigured();
        return Engine.getEngine(ENGINE_NAME);
    }

    /**
     * Finds the natives folder from the build's properties, then next to the code location.
     *
     * @param buildProperties the build's properties (possibly empty)
     * @param codeLocation the jar or class folder this class was loaded from, or null when unknown
     * @return a folder holding the JNI library
     * @throws IllegalStateException naming the places tried and what to do
     */
    static Path locate(Properties buildProperties, Path codeLocation) {
        List<Path> tried = new ArrayList<>();
        String fromBuild = buildProperties.getProperty("tensorflow.native.dir");
        if (fromBuild != null && !fromBuild.isBlank()) {
            Path dir = Path.of(fromBuild);
            if (holdsLibrary(dir)) {
                return dir;
            }
            tried.add(dir);
        }
        String classifier = buildProperties.getProperty("tensorflow.native.classifier", DEFAULT_CLASSIFIER);
        if (codeLocation != null && codeLocation.getParent() != null) {
            Path dir = codeLocation.getParent().resolve("tensorflow-native").resolve(classifier);
            if (holdsLibrary(dir)) {
                return dir;
            }
            tried.add(dir);
        }
        throw new IllegalStateException("TensorFlow native library (" + JNI_LIBRARY + ") not found; looked in "
                + tried + ". Build the project with `mvn package -DskipTests` (it unpacks the natives into "
                + "target/tensorflow-native/" + classifier + "), or set " + LIBRARY_PATH
                + " (environment variable or -D system property) to a folder holding " + JNI_LIBRARY + ".");
    }

    private static boolean holdsLibrary(Path dir) {
        return Files.isRegularFile(dir.resolve(JNI_LIBRARY));
    }

    private static Properties readBuildProperties() {
        Properties properties = new Properties();
        try (InputStream in = TensorFlowNatives.class.getClassLoader().getResourceAsStream(BUILD_PROPERTIES)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read classpath resource " + BUILD_PROPERTIES, e);
        }
        return properties;
    }

    private static Path codeLocation() {
        CodeSource source = TensorFlowNatives.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        try {
            return Path.of(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
            // A non-file code source (e.g. a nested jar) has no folder to search next to.
            return null;
        }
    }
}
