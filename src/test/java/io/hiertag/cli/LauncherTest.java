package io.hiertag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/hiertag} itself, with the variables a user sets for it. */
class LauncherTest {

    @TempDir
    Path root;

    @Test
    void theJavaOptionsVariableReachesTheJvmAndIsNotTakenForASetting() throws Exception {
        Launcher.Result describe = Launcher.in(root).run(Map.of("HIERTAG_JAVA_OPTS",
                "-Xmx1g -XX:+PrintCommandLineFlags"), "describe");
        assertEquals(0, describe.code(), describe.output());
        assertTrue(describe.output().contains("-XX:MaxHeapSize=1073741824"), describe.output());
        assertTrue(describe.output().contains("Processor: first-pass"), describe.output());
    }

    @Test
    void settingsFromTheEnvironmentMakeADeploymentThatMustNameItsClusterAndModel() throws Exception {
        Launcher launcher = Launcher.in(root);
        Launcher.Result noBroker = launcher.run(Map.of("HIERTAG_DATA_DIR", root.resolve("data").toString(),
                "HIERTAG_MODEL_DIR", root.toString()), "run");
        assertEquals(2, noBroker.code(), noBroker.output());
        assertEquals("hiertag: bootstrap.servers is not set, though settings come from HIERTAG_DATA_DIR, "
                + "HIERTAG_MODEL_DIR: name the cluster (--bootstrap, bootstrap.servers or HIERTAG_BOOTSTRAP_SERVERS) "
                + "or add --embedded to run on an in-JVM broker", noBroker.output().strip());
        Launcher.Result noModel = launcher.run(Map.of("HIERTAG_BOOTSTRAP_SERVERS", "kafka-1:9092"), "run");
        assertEquals(2, noModel.code(), noModel.output());
        assertEquals("hiertag: model.dir is not set, though settings come from HIERTAG_BOOTSTRAP_SERVERS: name a "
                + "model folder (model.dir or HIERTAG_MODEL_DIR) or add --test-model to tag with the bundled test "
                + "model, whose tags mean nothing", noModel.output().strip());
    }
}
