package io.hiertag.bench;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.ImagePublisher;
import io.hiertag.kafka.TopicReader;
import io.hiertag.kafka.Topics;
import io.hiertag.streams.TaggingApplication;
import io.hiertag.zeroshot.EncodingProgress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The whole application on the in-JVM broker, exactly-once, results read back with read_committed: (f) start-up
 * to the first tag, (c) throughput on a backlog, (e) latency at a fixed rate. Each start gets its own topics and
 * application id, so no phase sees another's records.
 */
final class PipelineRun implements AutoCloseable {

    /** @param textsEmbedded texts the text tower embedded during the start (0 when the cache served them all) */
    record Startup(double seconds, int textsEmbedded) {}

    /**
     * @param images results committed, of which {@code deadLetters} dead letters (expected 0)
     * @param imagesPerCpuSecond over the whole process's CPU time: broker, publisher and reader included
     * @param cpuMsPerImage where that CPU time went
     */
    record Throughput(int images, int deadLetters, double seconds, double imagesPerSecond,
            double imagesPerCpuSecond, ThreadCpu.Profile cpuMsPerImage) {}

    /** @param rate the input rate in images per second; latencies in ms, publish to committed result */
    record Latency(double rate, int images, Percentiles ms) {}

    private static final Duration RESULT_TIMEOUT = Duration.ofMinutes(10);

    private final TaggingApplication app;
    private final Topics topics;
    private final TopicReader tags;
    private final TopicReader deadLetters;
    private final ImagePublisher publisher;
    private final Startup startup;
    private final BenchPhotos photos;

    private PipelineRun(HiertagConfig config, String bootstrap, TaggingApplication app, BenchPhotos photos,
            long startedAt, int textsEmbedded) {
        this.app = app;
        this.photos = photos;
        this.topics = Topics.of(config);
        this.tags = new TopicReader(config, bootstrap, topics.tags().name(), false);
        this.deadLetters = new TopicReader(config, bootstrap, topics.deadLetters().name(), false);
        this.publisher = new ImagePublisher(config, bootstrap);
        publisher.publish(BenchInputs.event("first", photos.get(0)));
        publisher.flush();
        awaitResults(id -> id.equals("first"), 1, (id, ms) -> { });
        this.startup = new Startup((System.nanoTime() - startedAt) / 1e9, textsEmbedded);
    }

    /**
     * Starts the application (the clock starts before the model is loaded) and waits for its first tag.
     *
     * @param config the application's settings, with its own application id and topic prefix
     */
    static PipelineRun start(HiertagConfig config, String bootstrap, Path modelDir, BenchPhotos photos) {
        AtomicInteger texts = new AtomicInteger();
        EncodingProgress counting = (what, done, total) -> {
            if (done == 0) {
                texts.addAndGet(total);
            }
        };
        long t0 = System.nanoTime();
        TaggingApplication app = TaggingApplication.start(config, bootstrap, modelDir, counting);
        try {
            return new PipelineRun(config, bootstrap, app, photos, t0, texts.get());
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
    }

    Startup startup() {
        return startup;
    }

    /**
     * (c) Publishes {@code count} photos as fast as the producer takes them; times until all are committed. An
     * untimed backlog of {@code warmUp} photos goes first: until the JIT has compiled the Streams, broker and
     * first-pass paths, compilation takes a large share of the CPU (25 ms per image over a first backlog of 128).
     */
    Throughput throughput(int warmUp, int count) {
        for (int i = 0; i < warmUp; i++) {
            publisher.publish(BenchInputs.event("w-" + i, photos.get(i)));
        }
        publisher.flush();
        awaitResults(id -> id.startsWith("w-"), warmUp, (id, ms) -> { });
        ThreadCpu cpu = new ThreadCpu();
        Clocks t0 = Clocks.now();
        for (int i = 0; i < count; i++) {
            publisher.publish(BenchInputs.event("c-" + i, photos.get(i)));
        }
        publisher.flush();
        int dead = awaitResults(id -> id.startsWith("c-"), count, (id, ms) -> { });
        Clocks time = t0.elapsed();
        return new Throughput(count, dead, time.wallSeconds(), count / time.wallSeconds(),
                count / time.cpuSeconds(), cpu.msPerImage(count));
    }

    /** (e) Publishes at a fixed rate for a while, from another thread; latency from publish to committed result. */
    Latency latency(double rate, Duration duration) throws InterruptedException {
        int count = Math.max(1, (int) (rate * duration.toMillis() / 1000));
        long intervalNanos = (long) (1e9 / rate);
        Thread feeder = new Thread(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                // A record leaves at once rather than after the producer's linger, which would add to every latency.
                publisher.publish(BenchInputs.event("e-" + i, photos.get(i)));
                publisher.flush();
            }
        }, "bench-feeder");
        feeder.start();
        List<Double> latencies = new ArrayList<>();
        awaitResults(id -> id.startsWith("e-"), count, (id, ms) -> latencies.add(ms));
        feeder.join();
        return new Latency(rate, count, Percentiles.of(latencies.stream().mapToDouble(Double::doubleValue).toArray()));
    }

    private interface ResultSink {
        void accept(String id, double latencyMs);
    }

    /**
     * Reads committed tags and dead letters until {@code count} of ours arrived; a tag's latency goes to the sink.
     *
     * @return how many of them were dead letters
     */
    private int awaitResults(Predicate<String> ours, int count, ResultSink sink) {
        int[] seen = new int[1];
        int[] dead = new int[1];
        long deadline = System.nanoTime() + RESULT_TIMEOUT.toNanos();
        while (seen[0] < count) {
            KafkaStreams.State state = app.state();
            if (System.nanoTime() > deadline || state == KafkaStreams.State.ERROR
                    || state == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("only " + seen[0] + " of " + count + " results arrived (state "
                        + app.state() + ")");
            }
            tags.poll(Duration.ofMillis(100), r -> {
                TagResult t = topics.tags().valueSerde().deserializer().deserialize(r.topic(), r.value());
                if (ours.test(t.getId())) {
                    seen[0]++;
                    if (t.getPublishedAt() != null) {
                        sink.accept(t.getId(), System.currentTimeMillis() - t.getPublishedAt().toEpochMilli());
                    }
                }
            });
            deadLetters.poll(Duration.ZERO, r -> {
                DeadLetter d = topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(), r.value());
                String id = d.getImageId() != null ? d.getImageId()
                        : r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                if (ours.test(id)) {
                    seen[0]++;
                    dead[0]++;
                }
            });
        }
        return dead[0];
    }

    @Override
    public void close() {
        publisher.close();
        tags.close();
        deadLetters.close();
        app.close();
    }
}
