package io.hiertag.streams;

import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.ImagePublisher;
import io.hiertag.kafka.Topics;
import io.hiertag.labels.LabelSet;
import io.hiertag.samples.SampleImages;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The inputs of a durability test, and a thread that publishes them at a steady rate while the application runs
 * and is crashed. Most inputs are small valid images; every {@link #INVALID_EVERY}th is invalid in one of three
 * ways (not an ImageEvent, a truncated image, an unknown label set), so dead letters are checked as well.
 *
 * <p>Inputs go out in bursts, published back to back, at a steady rate of bursts: one input per burst by default,
 * or one per image of a given sequence ({@link #bursts}), for a test that needs to know which records a batch
 * holds. An invalid input is always the first of its burst.
 */
final class InputFeed implements AutoCloseable {

    private static final int INVALID_EVERY = 40;

    /** Distinct images, reused across ids: encoding thousands of images would only slow the test down. */
    private static final List<byte[]> IMAGES = images(48);

    /** One record to publish; {@code value} is the exact record value. */
    private record Input(String id, byte[] value, boolean valid) {
    }

    private final List<List<Input>> bursts;
    private final ImagePublisher publisher;
    private final int perSecond;
    private final Thread thread;
    private volatile int published;
    private volatile boolean stopRequested;
    private volatile boolean done;
    private volatile Throwable failure;

    private InputFeed(List<List<Input>> bursts, ImagePublisher publisher, int perSecond) {
        this.bursts = bursts;
        this.publisher = publisher;
        this.perSecond = perSecond;
        this.thread = new Thread(this::publishAll, "input-feed");
        thread.setDaemon(true);
    }

    /**
     * {@code count} inputs with ids {@code <idPrefix><n>}, to be published to {@code config}'s images topic at
     * {@code perSecond} once {@link #start()} is called.
     */
    static InputFeed create(HiertagConfig config, String bootstrapServers, String idPrefix, int count,
            int perSecond) {
        List<List<Input>> bursts = new ArrayList<>(count);
        String topic = new Topics(config.topicPrefix()).images().name();
        for (int i = 0; i < count; i++) {
            boolean invalid = i % INVALID_EVERY == INVALID_EVERY - 1;
            bursts.add(List.of(input(topic, idPrefix, i, IMAGES.get(i % IMAGES.size()), i / INVALID_EVERY, invalid)));
        }
        return new InputFeed(bursts, new ImagePublisher(config, bootstrapServers), perSecond);
    }

    /**
     * {@code count} bursts of one input per image of {@code burst}, in that order, {@code perSecond} bursts a
     * second; as many invalid inputs as in {@link #create}, each replacing the first of its burst.
     */
    static InputFeed bursts(HiertagConfig config, String bootstrapServers, String idPrefix, int count,
            int perSecond, List<byte[]> burst) {
        String topic = new Topics(config.topicPrefix()).images().name();
        int invalidEvery = Math.max(1, INVALID_EVERY / burst.size());
        List<List<Input>> bursts = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            List<Input> inputs = new ArrayList<>(burst.size());
            for (int j = 0; j < burst.size(); j++) {
                inputs.add(input(topic, idPrefix, b * burst.size() + j, burst.get(j), b / invalidEvery,
                        j == 0 && b % invalidEvery == invalidEvery - 1));
            }
            bursts.add(inputs);
        }
        return new InputFeed(bursts, new ImagePublisher(config, bootstrapServers), perSecond);
    }

    /** Input number {@code n}; an invalid one is of kind {@code invalidCount % 3}. */
    private static Input input(String topic, String idPrefix, int n, byte[] image, int invalidCount,
            boolean invalid) {
        String id = idPrefix + n;
        if (!invalid) {
            return new Input(id, event(topic, id, image, LabelSet.IMAGENET_1K), true);
        }
        byte[] value = switch (invalidCount % 3) {
            case 0 -> ("not an ImageEvent " + n).getBytes(StandardCharsets.UTF_8);
            case 1 -> event(topic, id, Arrays.copyOf(image, image.length / 2), LabelSet.IMAGENET_1K);
            default -> event(topic, id, image, "no-such-label-set");
        };
        return new Input(id, value, false);
    }

    private static byte[] event(String topic, String id, byte[] image, String labelSet) {
        return Topics.IMAGE_EVENT.serializer().serialize(topic,
                ImagePublisher.event(id, image, labelSet, null, Map.of()));
    }

    private static List<byte[]> images(int n) {
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            BufferedImage img = SampleImages.generate(7, i, 40 + 8 * (i % 5), 32 + 8 * (i % 4));
            out.add(i % 2 == 0 ? SampleImages.jpeg(img) : SampleImages.png(img));
        }
        return out;
    }

    void start() {
        thread.start();
    }

    Set<String> validIds() {
        return ids(true);
    }

    Set<String> invalidIds() {
        return ids(false);
    }

    /** After {@link #stop()}, only the inputs that were published. */
    private Set<String> ids(boolean valid) {
        Set<String> out = new LinkedHashSet<>();
        bursts.stream().flatMap(List::stream).limit(stopRequested ? published : Long.MAX_VALUE)
                .filter(in -> in.valid() == valid).forEach(in -> out.add(in.id()));
        return out;
    }

    /**
     * Publishes nothing more, and returns once what was published is acknowledged; from then on the ids are those
     * of the published inputs only. For a run that needs input only until something has happened.
     */
    void stop() throws InterruptedException {
        stopRequested = true;
        thread.join(TimeUnit.SECONDS.toMillis(30));
        assertHealthy();
        if (!done) {
            throw new AssertionError("the input feed did not stop within 30 s");
        }
    }

    /** The bytes of the valid inputs' values: about what their batch-buffer entries weigh in its changelog. */
    long validBytes() {
        return bursts.stream().flatMap(List::stream).filter(Input::valid).mapToLong(in -> in.value().length).sum();
    }

    /** How many were handed to the producer so far. */
    int published() {
        return published;
    }

    /** Whether every input (up to a {@link #stop()}) was published and acknowledged by the broker. */
    boolean done() {
        assertHealthy();
        return done;
    }

    /** Fails if publishing failed: a lost input would otherwise look like a record the application lost. */
    void assertHealthy() {
        if (failure != null) {
            throw new AssertionError("publishing the inputs failed after " + published + " records", failure);
        }
    }

    private void publishAll() {
        try {
            long start = System.nanoTime();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int b = 0; b < bursts.size() && !stopRequested; b++) {
                long due = start + TimeUnit.SECONDS.toNanos(b) / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                for (Input in : bursts.get(b)) {
                    sent.add(publisher.publishRaw(in.id(), in.value()));
                    published++;
                }
            }
            publisher.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
            done = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            failure = e;
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
    }
}
