package io.hiertag.cli;

import io.hiertag.config.HiertagConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every sub-command shares: where settings come from, and the most used ones as flags. */
final class ConfigOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file of settings.")
    Path configFile;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Any setting (see docs/configuration.md); kafka.* passes to the Kafka clients.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "SERVERS",
            description = "Kafka bootstrap servers (default: the embedded broker).")
    String bootstrap;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder for broker data, state and test model.")
    Path dataDir;

    /**
     * Where settings come from besides the command line, as a user would name them: {@code --config FILE} and
     * each {@code HIERTAG_*} variable that is a setting. Any of them marks a deployment ({@link TryOutDefaults}).
     */
    List<String> deploymentSources() {
        List<String> out = new ArrayList<>();
        if (configFile != null) {
            out.add("--config " + configFile);
        }
        out.addAll(HiertagConfig.environmentSettings(System.getenv()).keySet());
        return out;
    }

    /** Defaults, then the file, then HIERTAG_* variables, then flags. */
    HiertagConfig load() {
        HiertagConfig.Builder b = HiertagConfig.builder();
        if (configFile != null) {
            b.file(configFile);
        }
        b.environment(System.getenv());
        settings.forEach(b::set);
        if (bootstrap != null) {
            b.set(HiertagConfig.BOOTSTRAP_SERVERS, bootstrap);
        }
        if (dataDir != null) {
            b.set(HiertagConfig.DATA_DIR, dataDir.toString());
        }
        return b.build();
    }
}
