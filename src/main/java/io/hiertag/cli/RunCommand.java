package io.hiertag.cli;

import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.KafkaConnection;
import io.hiertag.kafka.Topics;
import io.hiertag.ops.Telemetry;
import io.hiertag.streams.TaggingApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "run", description = "Run the tagger until stopped (SIGTERM or Ctrl-C). With no bootstrap servers "
        + "configured it starts an embedded broker on 127.0.0.1 and uses the bundled test model.")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
        HiertagConfig config = options.load();
        LOG.info("Settings: {}", config.describe());
        List<Path> written = new ArrayList<>(List.of(config.stateDir()));
        if (config.bootstrapServers().isEmpty()) {
            written.add(config.brokerDir());
        }
        if (config.modelDir().isEmpty()) {
            written.add(config.testModelDir());
        }
        DataFolders.require(config, written);
        DataFolders.warnIfUnwritable(config.cacheDir());
        // Up before the model loads, so that liveness probes pass during a long first start.
        Telemetry telemetry = Telemetry.of(config.metricsPort(), config.dataDir());
        KafkaConnection kafka = KafkaConnection.forApplication(config);
        TaggingApplication app;
        try {
            Path model = ModelFolders.resolve(config);
            app = TaggingApplication.start(config, kafka.bootstrapServers(), model, ConsoleProgress.stderr(),
                    telemetry);
        } catch (RuntimeException e) {
            kafka.close();
            telemetry.close();
            throw e;
        }
        Thread hook = new Thread(() -> {
            LOG.info("Shutdown requested");
            app.close();
            telemetry.close();
            kafka.close();
        }, "hiertag-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Topics topics = Topics.of(config);
        LOG.info("hiertag running on {}{}: {} -> {}, dead letters {}", kafka.bootstrapServers(),
                kafka.isEmbedded() ? " (embedded broker)" : "", topics.images().name(), topics.tags().name(),
                topics.deadLetters().name());
        app.awaitStop();
        // Reaching here without a shutdown request means the client stopped on an error.
        return app.state() == org.apache.kafka.streams.KafkaStreams.State.ERROR ? 1 : 0;
    }
}
