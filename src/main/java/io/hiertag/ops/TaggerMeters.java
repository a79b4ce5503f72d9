package io.hiertag.ops;

import io.hiertag.zeroshot.TextEmbeddingCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The application's own meters, each counted at the one place its event happens (see docs/operations.md for the
 * list). Callers pass plain values; only this class knows Micrometer. Under exactly-once a counter counts what a
 * processor forwarded, so the records of a transaction that aborts and is processed again are counted again:
 * the committed truth is the {@code hiertag.metrics} topic, these meters are for watching.
 */
public final class TaggerMeters {

    public static final String IMAGES_IN = "hiertag.images.in";
    public static final String TAGS = "hiertag.tags";
    public static final String RESCUE = "hiertag.rescue";
    public static final String DEAD_LETTERS = "hiertag.dead.letters";
    public static final String BATCH_SIZE = "hiertag.batch.size";
    public static final String MODEL_CALL = "hiertag.model.call";
    public static final String TAG_LATENCY = "hiertag.tag.latency";
    public static final String BUFFER_IMAGES = "hiertag.buffer.images";
    public static final String BUFFER_OLDEST_AGE = "hiertag.buffer.oldest.age";
    public static final String TEXT_CACHE_TEXTS = "hiertag.text.cache.texts";
    public static final String MODEL_INFO = "hiertag.model.info";

    /** How a labelled image that was rescored came out: the numerator and denominator of the rescue rate. */
    public enum RescueOutcome {
        /** Wrong after the first pass, right after rescoring. */
        FIXED,
        /** Right after the first pass, wrong after rescoring. */
        BROKEN,
        /** Right both times, or wrong both times. */
        NEITHER;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A batch buffer the gauges read: how many images wait in it and since when the oldest has waited. */
    public interface Buffer {
        int depth();

        /** Wall-clock milliseconds since the epoch when the oldest waiting image arrived; read only when depth > 0. */
        long oldestArrivalMillis();
    }

    private final MeterRegistry registry;
    private final Counter imagesIn;
    private final Meter.MeterProvider<Counter> tags;
    private final Meter.MeterProvider<Counter> rescue;
    private final Meter.MeterProvider<Counter> deadLetters;
    private final DistributionSummary batchSize;
    private final Timer modelCall;
    private final Timer latency;
    private final Set<Buffer> buffers = ConcurrentHashMap.newKeySet();

    TaggerMeters(MeterRegistry registry) {
        this.registry = registry;
        imagesIn = Counter.builder(IMAGES_IN).description("Records read from the images topic").register(registry);
        tags = Counter.builder(TAGS).description("Tags written, by label set, route and whether rescoring changed "
                + "the label").withRegistry(registry);
        rescue = Counter.builder(RESCUE).description("Rescored tags with a known ground truth, by outcome: the "
                + "rescue rate is fixed over all of them").withRegistry(registry);
        deadLetters = Counter.builder(DEAD_LETTERS).description("Dead letters written, by stage and reason (the "
                + "dead letter's errorType)").withRegistry(registry);
        // Explicit buckets: a handful of series each, and the same ones on every instance.
        batchSize = DistributionSummary.builder(BATCH_SIZE).description("Images per first-pass flush")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096).register(registry);
        modelCall = Timer.builder(MODEL_CALL).description("Time of one call of the image tower (a batch and its "
                + "flips; each half of a bisected batch is a call of its own)")
                .serviceLevelObjectives(millis(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000))
                .register(registry);
        latency = Timer.builder(TAG_LATENCY).description("From the event's publishedAt to its tag (tags whose "
                + "event has a publishedAt)")
                .serviceLevelObjectives(millis(10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000,
                        120_000, 300_000))
                .register(registry);
        Gauge.builder(BUFFER_IMAGES, buffers, b -> b.stream().mapToInt(Buffer::depth).sum())
                .description("Images waiting in the batch buffers of this instance's tasks").register(registry);
        TimeGauge.builder(BUFFER_OLDEST_AGE, buffers, TimeUnit.MILLISECONDS, TaggerMeters::oldestAge)
                .description("How long the oldest image waiting in any batch buffer has waited (0 when none "
                        + "waits)").register(registry);
    }

    private static Duration[] millis(long... ms) {
        Duration[] out = new Duration[ms.length];
        for (int i = 0; i < ms.length; i++) {
            out[i] = Duration.ofMillis(ms[i]);
        }
        return out;
    }

    private static double oldestAge(Set<Buffer> buffers) {
        long now = System.currentTimeMillis();
        return buffers.stream().filter(b -> b.depth() > 0).mapToLong(b -> now - b.oldestArrivalMillis())
                .max().orElse(0);
    }

    /** One record read from the images topic, whatever becomes of it. */
    public void imageIn() {
        imagesIn.increment();
    }

    /**
     * One tag forwarded to the tags topic.
     *
     * @param route the tag's route (CONFIDENT or RESCORED)
     * @param latency publishedAt to taggedAt, or null when the event had no publishedAt
     */
    public void tagged(String labelSet, String route, boolean changed, Duration latency) {
        tags.withTags("label_set", labelSet, "route", route.toLowerCase(Locale.ROOT), "changed",
                Boolean.toString(changed)).increment();
        if (latency != null) {
            this.latency.record(latency.isNegative() ? Duration.ZERO : latency);
        }
    }

    /** A rescored tag whose ground truth names a class of its label set. */
    public void rescued(String labelSet, RescueOutcome outcome) {
        rescue.withTags("label_set", labelSet, "outcome", outcome.tag()).increment();
    }

    /** One dead letter forwarded or handed to Streams to write. */
    public void deadLetter(String stage, String reason) {
        deadLetters.withTags("stage", stage, "reason", reason).increment();
    }

    /** A first-pass flush of {@code images} buffered records. */
    public void batchFlushed(int images) {
        batchSize.record(images);
    }

    /** One call of the image tower, successful or not. */
    public void modelCall(long nanos) {
        modelCall.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counts {@code buffer} in the buffer gauges until {@link #unwatch}. */
    public void watch(Buffer buffer) {
        buffers.add(buffer);
    }

    public void unwatch(Buffer buffer) {
        buffers.remove(buffer);
    }

    /** Texts whose embedding the cache had (hit) or the text tower computed (miss). */
    public void watch(TextEmbeddingCache cache) {
        FunctionCounter.builder(TEXT_CACHE_TEXTS, cache, TextEmbeddingCache::hits).tag("result", "hit")
                .description("Texts whose embedding was read from the text-embedding cache (hit) or computed by "
                        + "the text tower (miss)").register(registry);
        FunctionCounter.builder(TEXT_CACHE_TEXTS, cache, TextEmbeddingCache::misses).tag("result", "miss")
                .register(registry);
    }

    /** The loaded model, as an info metric (value 1) that dashboards can join on. */
    public void model(String modelId) {
        Gauge.builder(MODEL_INFO, () -> 1).tag("model_id", modelId).description("The model this instance loaded")
                .strongReference(true).register(registry);
    }
}
