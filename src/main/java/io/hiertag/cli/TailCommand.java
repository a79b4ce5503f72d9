package io.hiertag.cli;

import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.KafkaConnection;
import io.hiertag.kafka.TopicReader;
import io.hiertag.kafka.Topics;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tail", description = "Print the records of an output topic as they are committed.")
final class TailCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Parameters(index = "0", paramLabel = "TOPIC",
            description = "e.g. hiertag.tags, hiertag.dead-letters, hiertag.metrics (a table).")
    String topic;

    @Option(names = "--from-end", description = "Only records committed from now on.")
    boolean fromEnd;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
    long max = Long.MAX_VALUE;

    @Option(names = "--idle-exit", paramLabel = "DURATION",
            description = "Stop after this long without a record, e.g. 10s (default: never).")
    String idleExit;

    @Override
    public Integer call() {
        HiertagConfig config = options.load();
        Duration idle = idleExit == null ? null : HiertagConfig.parseDuration("--idle-exit", idleExit);
        RecordFormatter formatter = new RecordFormatter(Topics.of(config));
        AtomicLong seen = new AtomicLong();
        try (TopicReader reader = new TopicReader(config, KafkaConnection.clientBootstrap(config), topic, fromEnd)) {
            formatter.header(topic).ifPresent(System.out::println);
            long lastRecord = System.nanoTime();
            while (seen.get() < max) {
                int n = reader.poll(Duration.ofMillis(500), r -> {
                    if (seen.get() < max) {
                        System.out.println(formatter.format(r.topic(), r.key(), r.value()));
                        seen.incrementAndGet();
                    }
                });
                if (n > 0) {
                    lastRecord = System.nanoTime();
                } else if (idle != null && System.nanoTime() - lastRecord > idle.toNanos()) {
                    break;
                }
            }
        }
        return 0;
    }
}
