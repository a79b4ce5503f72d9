package io.hiertag.cli;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.ImagePublisher;
import io.hiertag.kafka.KafkaConnection;
import io.hiertag.kafka.TopicReader;
import io.hiertag.kafka.Topics;
import io.hiertag.labels.LabelSet;
import io.hiertag.samples.DemoInputs;
import io.hiertag.streams.TaggingApplication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "Start an embedded broker and the tagger, publish sample images and a few "
        + "bad inputs, print each tag and dead letter as it arrives, then stop.")
final class DemoCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--images", paramLabel = "N", description = "Valid sample images (default: ${DEFAULT-VALUE}).")
    int images = 10;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up after (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 180;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the sample images, to show the same ones "
            + "again (default: the clock, new images each run).")
    Long seed;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        HiertagConfig base = options.load();
        // A fresh broker and state per demo, so earlier runs never mix in; the test model is kept and reused.
        Path work = base.dataDir().resolve("demo");
        DataFolders.require(base, base.modelDir().isPresent() ? List.of(work) : List.of(work, base.testModelDir()));
        DataFolders.warnIfUnwritable(base.cacheDir());
        Path model = ModelFolders.resolve(base);
        deleteQuietly(work);
        Files.createDirectories(work);
        HiertagConfig config = base.with(Map.of(HiertagConfig.DATA_DIR, work.toString(),
                HiertagConfig.APPLICATION_ID, "hiertag-demo", HiertagConfig.BATCH_SIZE, "8"));
        String runId = "demo-" + Long.toString(System.currentTimeMillis(), 36) + "/";
        Topics topics = Topics.of(config);
        List<DemoInputs.Input> inputs = DemoInputs.create(seed != null ? seed : System.currentTimeMillis(), images,
                LabelSet.IMAGENET_1K);
        Set<String> waiting = new HashSet<>();
        inputs.forEach(i -> waiting.add(runId + i.name()));

        try (KafkaConnection kafka = base.bootstrapServers().isPresent() ? KafkaConnection.forApplication(base)
                : KafkaConnection.embedded(work.resolve("broker"), 0);
             TaggingApplication app = TaggingApplication.start(config, kafka.bootstrapServers(), model,
                     ConsoleProgress.stderr())) {
            if (kafka.isEmbedded()) {
                TryOutDefaults.warnEmbeddedBroker(kafka.bootstrapServers());
            }
            if (!app.awaitRunning(Duration.ofSeconds(60))) {
                System.err.println("hiertag demo: the tagger did not start (state " + app.state() + ")");
                return 1;
            }
            System.out.printf("broker %s, model %s: publishing %d inputs (%d should be tagged)%n",
                    kafka.bootstrapServers(), model, inputs.size(),
                    inputs.stream().filter(DemoInputs.Input::valid).count());
            try (ImagePublisher publisher = new ImagePublisher(config, kafka.bootstrapServers())) {
                for (DemoInputs.Input in : inputs) {
                    String id = runId + in.name();
                    if (in.rawValue() != null) {
                        publisher.publishRaw(id, in.rawValue());
                    } else {
                        publisher.publish(ImagePublisher.event(id, in.image(), in.labelSet(), null, Map.of()));
                    }
                }
                publisher.flush();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
            try (TopicReader tags = new TopicReader(config, kafka.bootstrapServers(), topics.tags().name(), false);
                 TopicReader dead = new TopicReader(config, kafka.bootstrapServers(), topics.deadLetters().name(),
                         false)) {
                while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                    tags.poll(Duration.ofMillis(200), r -> {
                        TagResult t = topics.tags().valueSerde().deserializer().deserialize(r.topic(), r.value());
                        if (waiting.remove(t.getId())) {
                            System.out.println("tag   " + RecordFormatter.tag(t));
                        }
                    });
                    dead.poll(Duration.ofMillis(50), r -> {
                        DeadLetter d = topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(), r.value());
                        String id = d.getImageId() != null ? d.getImageId()
                                : r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                        if (waiting.remove(id)) {
                            System.out.println("dead  " + RecordFormatter.deadLetter(d, r.key()));
                        }
                    });
                }
            }
        } finally {
            deleteQuietly(work);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!waiting.isEmpty()) {
            System.err.printf("hiertag demo: no result after %d s for %s%n", timeoutSeconds, waiting);
            return 1;
        }
        System.out.printf("demo done: %d inputs, every one tagged or dead-lettered, %.1f s from start%n",
                inputs.size(), seconds);
        return 0;
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp folder is harmless.
        }
    }
}
