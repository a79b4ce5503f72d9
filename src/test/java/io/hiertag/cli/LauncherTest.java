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
}
