package io.hiertag.cli;

import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "broker", description = "Run a single-node Kafka broker (KRaft) on 127.0.0.1 until stopped (SIGTERM "
        + "or Ctrl-C), for tagger instances started with --bootstrap. Its data lives in DIR/broker, where the 'run' "
        + "command's embedded broker keeps it, so topics and offsets carry over between the two.")
final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "N",
            description = "Client port; 0 picks a free one (default: the embedded.port setting, 9092).")
    Integer port;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data folder (default: the data.dir setting).")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
        // Same layering as the other commands minus file and --set: defaults, HIERTAG_* variables, then flags.
        HiertagConfig.Builder b = HiertagConfig.builder().environment(System.getenv());
        if (port != null) {
            b.set(HiertagConfig.EMBEDDED_PORT, port.toString());
        }
        if (dataDir != null) {
            b.set(HiertagConfig.DATA_DIR, dataDir.toString());
        }
        HiertagConfig config = b.build();
        DataFolders.require(config, List.of(config.brokerDir()));
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config.brokerDir(), config.embeddedPort());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // A controlled shutdown lets clients move on at once instead of timing out on a dead connection.
            broker.close();
            stopped.countDown();
        }, "hiertag-broker-shutdown"));
        // Scripts and tests wait for this exact line; it is printed only once the broker answers requests.
        System.out.println("hiertag broker ready at " + broker.bootstrapServers() + " (data " + broker.dataDir() + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
