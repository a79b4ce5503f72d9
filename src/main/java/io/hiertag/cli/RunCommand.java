package io.hiertag.cli;

import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.ClientSettings;
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
import picocli.CommandLine.Option;

@Command(name = "run", description = "Run the tagger until stopped (SIGTERM or Ctrl-C). With nothing configured it "
        + "starts an in-JVM broker on 127.0.0.1 and tags with the bundled test model; once settings come from "
        + "--config or HIERTAG_* variables, bootstrap.servers and model.dir must be set (and model.dir whenever "
        + "bootstrap.servers is), unless --embedded or --test-model chooses those defaults.")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--embedded", description = "Run on an in-JVM broker although settings come from a file or "
            + "the environment.")
    boolean embedded;

    @Option(names = "--test-model", description = "Tag with the bundled test model (its tags mean nothing) although "
            + "settings come from a file or the environment, or Kafka is a cluster.")
    boolean testModel;

    @Override
    public Integer call() throws Exception {
        HiertagConfig config = options.load();
        TryOutDefaults.check(config, options.deploymentSources(), embedded, testModel);
        LOG.info("Settings: {}", config.describe(ClientSettings::isSecret));
        ClientSettings.undefined(config).forEach(k -> LOG.warn("Setting {} is defined by no Kafka client; it is "
                + "passed on as given, so check its spelling unless a plugin reads it", k));
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
        if (kafka.isEmbedded()) {
            TryOutDefaults.warnEmbeddedBroker(kafka.bootstrapServers());
        }
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
        LOG.info("hiertag running on {}: {} -> {}, dead letters {}", kafka.bootstrapServers(),
                topics.images().name(), topics.tags().name(), topics.deadLetters().name());
        app.awaitStop();
        // Reaching here without a shutdown request means the client stopped on an error.
        return app.state() == org.apache.kafka.streams.KafkaStreams.State.ERROR ? 1 : 0;
    }
}
