package io.hiertag.streams;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.PendingImage;
import io.hiertag.ops.TaggerMeters;
import io.hiertag.tagging.FirstPassOutcome;
import io.hiertag.tagging.RejectedInputException;
import io.hiertag.tagging.RejectionReason;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batched, model-calling step: confident tags go straight to the output, uncertain images on to hierarchy
 * rescoring, bad input to dead letters. Records wait in a changelogged store rather than in memory: Streams commits
 * input offsets for everything already handed to {@code process()}, so only a store that commits in the same
 * transaction keeps a buffered record alive through a crash. A batch is started when {@code batch.size} records
 * wait or when its oldest record has waited {@code batch.max-delay} (wall clock), and outputs keep input order and
 * timestamps.
 *
 * <p>With a background executor ({@code batch.pipeline}), a started batch is decoded and embedded there while this
 * thread goes on taking records, so the next batch fills, and is decoded, while the model runs the current one:
 * on a GPU the model need not wait for the CPU between batches. At most {@value #MAX_IN_FLIGHT} batches are in
 * flight; a third waits for the oldest. Finished batches are forwarded, oldest first, by the next record or
 * punctuation, on this thread (Streams' rule). A batch's records stay in the store until its outputs are
 * forwarded, in the same transaction as their deletes, so a crash with batches in flight loses nothing: they are
 * restored and tagged again, their outputs never having been written. Without an executor, each batch is decided
 * and forwarded on this thread as soon as it starts.
 */
final class FirstPassProcessor implements Processor<String, PendingImage, Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(FirstPassProcessor.class);
    /** The batch the model runs and the one decoded meanwhile. */
    static final int MAX_IN_FLIGHT = 2;

    private final ImageEventReader reader;
    private final Function<List<ImageEvent>, List<FirstPassOutcome>> tagger;
    private final Outputs outputs;
    private final int batchSize;
    private final Duration maxDelay;
    private final Executor background;
    private final Deque<InFlight> inFlight = new ArrayDeque<>();

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Long, PendingImage> buffer;
    private long nextSequence;
    /** Key of the oldest record not yet in a batch; those from here to {@code nextSequence} wait. */
    private long firstWaiting;
    private int buffered;
    /** Wall-clock time the oldest waiting record arrived (or was restored). */
    private long oldestArrival;
    /** Images in the store, waiting or in flight; written by the stream thread, read by the metrics server's. */
    private volatile int depth;
    /** Wall-clock time the oldest image in the store arrived; meaningful while {@code depth > 0}. */
    private volatile long oldestInStore;
    /** This task's buffer as the buffer gauges see it. */
    private final TaggerMeters.Buffer gauges = new TaggerMeters.Buffer() {
        @Override
        public int depth() {
            return depth;
        }

        @Override
        public long oldestArrivalMillis() {
            return oldestInStore;
        }
    };

    /**
     * @param tagger the first pass over a batch of validated events ({@code FirstPassTagger::tag})
     * @param background where batches are decided, or null to decide each on the stream thread
     */
    FirstPassProcessor(ImageEventReader reader, Function<List<ImageEvent>, List<FirstPassOutcome>> tagger,
            Outputs outputs, int batchSize, Duration maxDelay, Executor background) {
        this.reader = reader;
        this.tagger = tagger;
        this.outputs = outputs;
        this.batchSize = batchSize;
        this.maxDelay = maxDelay;
        this.background = background;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.buffer = context.getStateStore(TaggingTopology.BATCH_BUFFER);
        // Sequence numbers are the store keys, so a scan returns arrival order; continue after any restored ones.
        buffered = 0;
        nextSequence = 0;
        firstWaiting = Long.MAX_VALUE;
        try (KeyValueIterator<Long, PendingImage> it = buffer.all()) {
            while (it.hasNext()) {
                long key = it.next().key;
                nextSequence = Math.max(nextSequence, key + 1);
                firstWaiting = Math.min(firstWaiting, key);
                buffered++;
            }
        }
        firstWaiting = Math.min(firstWaiting, nextSequence);
        oldestArrival = context.currentSystemTimeMs();
        updateGauges();
        outputs.meters().watch(gauges);
        if (buffered > 0) {
            LOG.info("Task {}: {} buffered images restored from the changelog; they go out with the next batches",
                    context.taskId(), buffered);
        }
        // A punctuator that started whatever waits would fire right after every slow full batch (it is overdue
        // by then) and send the next record alone; starting only what has waited maxDelay keeps batches full
        // under load. Checking four times per maxDelay bounds the wait at 1.25 × maxDelay.
        Duration interval = maxDelay.dividedBy(4).compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1)
                : maxDelay.dividedBy(4);
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> {
            forwardFinished();
            while (buffered > 0 && now - oldestArrival >= maxDelay.toMillis()) {
                start();
            }
        });
    }

    @Override
    public void process(Record<String, PendingImage> record) {
        if (buffered == 0) {
            oldestArrival = context.currentSystemTimeMs();
        }
        buffer.put(nextSequence++, record.value());
        buffered++;
        updateGauges();
        forwardFinished();
        while (buffered >= batchSize) {
            start();
        }
    }

    /**
     * Waits for the batches still in flight and drops their results: their records stay in the store, which this
     * task's next owner (or this instance after a restart) restores and tags. The buffer no longer counts in this
     * instance's gauges.
     */
    @Override
    public void close() {
        outputs.meters().unwatch(gauges);
        if (inFlight.isEmpty()) {
            return;
        }
        LOG.info("Task {}: closing with {} batches in flight; their images stay buffered and are tagged by the "
                + "task's next run", context.taskId(), inFlight.size());
        for (InFlight f : inFlight) {
            f.decisions().handle((d, e) -> null).join();
        }
        inFlight.clear();
    }

    /** Starts the next batch of at most {@code batch.size} waiting records. */
    private void start() {
        List<Long> keys = new ArrayList<>(Math.min(buffered, batchSize));
        List<PendingImage> batch = new ArrayList<>(keys.size());
        try (KeyValueIterator<Long, PendingImage> it = buffer.range(firstWaiting, nextSequence - 1)) {
            while (it.hasNext() && keys.size() < batchSize) {
                KeyValue<Long, PendingImage> kv = it.next();
                keys.add(kv.key);
                batch.add(kv.value);
            }
        }
        buffered -= keys.size();
        firstWaiting = keys.get(keys.size() - 1) + 1;
        long arrival = oldestArrival;
        outputs.meters().batchFlushed(batch.size());
        if (background == null) {
            finish(new InFlight(keys, batch, arrival, decidedHere(batch)));
            return;
        }
        while (inFlight.size() >= MAX_IN_FLIGHT) {
            finish(inFlight.poll());
        }
        inFlight.add(new InFlight(keys, batch, arrival, CompletableFuture.supplyAsync(() -> decide(batch),
                background)));
        updateGauges();
    }

    private CompletableFuture<List<Decision>> decidedHere(List<PendingImage> batch) {
        CompletableFuture<List<Decision>> out = new CompletableFuture<>();
        try {
            out.complete(decide(batch));
        } catch (RuntimeException e) {
            out.completeExceptionally(e);
        }
        return out;
    }

    /** Forwards the batches that are done, oldest first, stopping at the first still running. */
    private void forwardFinished() {
        while (!inFlight.isEmpty() && inFlight.peek().decisions().isDone()) {
            finish(inFlight.poll());
        }
    }

    /**
     * Waits for the batch, then forwards all of it and only then deletes it from the buffer. A failure while
     * deciding (a bug on a decoding thread, the model failing in a way bisection cannot isolate) forwarded
     * nothing, so the batch can still be answered: every image of it gets a dead letter with the cause and leaves
     * the buffer, instead of being retried by every later record. Whatever fails after the first output was
     * forwarded (the buffer's deletes, a store or changelog error) escapes, and {@link ProcessingDeadLetterHandler}
     * fails the task for it: the transaction aborts with its half-written outputs, and a restart replays the batch
     * from the last commit.
     */
    private void finish(InFlight f) {
        List<Decision> decisions;
        try {
            decisions = f.decisions().join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CancellationException) {
                throw new InterruptException("interrupted while tagging a batch of " + f.batch().size());
            }
            LOG.error("Task {}: the first pass failed on a batch of {} images (offsets {}); dead-lettering the "
                    + "batch", context.taskId(), f.batch().size(), offsets(f.batch()), cause);
            decisions = f.batch().stream().map(p -> Decision.failed(p, cause)).toList();
        }
        for (Decision d : decisions) {
            forward(d);
        }
        f.keys().forEach(buffer::delete);
        if (inFlight.isEmpty() && buffered == 0) {
            // The buffer is empty now, so numbering can start again: reusing keys lets compaction keep the
            // changelog at about one batch of keys, instead of a tombstone for every image that ever passed.
            nextSequence = 0;
            firstWaiting = 0;
        }
        updateGauges();
    }

    /** What the gauges read: every image in the store, the batches in flight first (they are the oldest). */
    private void updateGauges() {
        int images = buffered;
        for (InFlight f : inFlight) {
            images += f.keys().size();
        }
        oldestInStore = inFlight.isEmpty() ? oldestArrival : inFlight.peek().arrival();
        depth = images;
    }

    /** Reads each buffered record's event again and tags the readable ones; forwards nothing. */
    private List<Decision> decide(List<PendingImage> batch) {
        // Read again rather than trust the buffer: a restart may have brought other settings (label sets, limits).
        List<ImageEvent> events = new ArrayList<>(batch.size());
        RejectedInputException[] unreadable = new RejectedInputException[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            PendingImage p = batch.get(i);
            try {
                events.add(reader.read(p));
            } catch (RejectedInputException e) {
                unreadable[i] = e;
            }
        }
        Iterator<FirstPassOutcome> outcomes = tagger.apply(events).iterator();
        List<Decision> decisions = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            decisions.add(new Decision(batch.get(i), unreadable[i] == null ? outcomes.next() : null, unreadable[i]));
        }
        return decisions;
    }

    private void forward(Decision d) {
        PendingImage source = d.source();
        long ts = source.getTimestamp();
        FirstPassOutcome o = d.outcome();
        if (o == null || o.refused()) {
            RejectedInputException why = o == null ? d.rejection() : ImageEventReader.explained(source, o.rejection());
            outputs.deadLetter(context, DeadLetters.of(source, why, outputs.modelId()), source, ts);
        } else if (o.uncertain()) {
            context.forward(new Record<>(o.tag().getId(), new UncertainImage(source, o.event(), o.tag(),
                    o.embedding()), ts), TaggingTopology.HIERARCHY_RESCORE);
        } else {
            outputs.tag(context, o.tag(), source, ts);
        }
    }

    private static String offsets(List<PendingImage> batch) {
        PendingImage first = batch.get(0);
        PendingImage last = batch.get(batch.size() - 1);
        return first.getTopic() + "-" + first.getPartition() + "@" + first.getOffset() + ".." + last.getTopic() + "-"
                + last.getPartition() + "@" + last.getOffset();
    }

    /** A started batch: its store keys, its records, when its oldest arrived and, once decided, their fates. */
    private record InFlight(List<Long> keys, List<PendingImage> batch, long arrival,
            CompletableFuture<List<Decision>> decisions) {}

    /** One buffered record's fate: a first-pass outcome, or a rejection from reading it. */
    private record Decision(PendingImage source, FirstPassOutcome outcome, RejectedInputException rejection) {
        static Decision failed(PendingImage source, Throwable cause) {
            return new Decision(source, null, new RejectedInputException(RejectionReason.BATCH_FAILED,
                    "the first pass failed on the batch this image was in: " + cause
                            + "; the image was not tagged, publish it again", null));
        }
    }
}
