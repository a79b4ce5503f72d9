package io.hiertag.streams;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.PendingImage;
import io.hiertag.tagging.FirstPassOutcome;
import io.hiertag.tagging.RejectedInputException;
import io.hiertag.tagging.RejectionReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
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
 * transaction keeps a buffered record alive through a crash. The batch is flushed when {@code batch.size}
 * records wait or when its oldest record has waited {@code batch.max-delay} (wall clock), and outputs keep input
 * order and timestamps.
 */
final class FirstPassProcessor implements Processor<String, PendingImage, Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(FirstPassProcessor.class);

    private final ImageEventReader reader;
    private final Function<List<ImageEvent>, List<FirstPassOutcome>> tagger;
    private final Outputs outputs;
    private final int batchSize;
    private final Duration maxDelay;

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Long, PendingImage> buffer;
    private long nextSequence;
    private int buffered;
    /** Wall-clock time the oldest waiting record arrived. */
    private long oldestArrival;

    /** @param tagger the first pass over a batch of validated events ({@code FirstPassTagger::tag}) */
    FirstPassProcessor(ImageEventReader reader, Function<List<ImageEvent>, List<FirstPassOutcome>> tagger,
            Outputs outputs, int batchSize, Duration maxDelay) {
        this.reader = reader;
        this.tagger = tagger;
        this.outputs = outputs;
        this.batchSize = batchSize;
        this.maxDelay = maxDelay;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.buffer = context.getStateStore(TaggingTopology.BATCH_BUFFER);
        // Sequence numbers are the store keys, so a scan returns arrival order; continue after any restored ones.
        buffered = 0;
        nextSequence = 0;
        try (KeyValueIterator<Long, PendingImage> it = buffer.all()) {
            while (it.hasNext()) {
                nextSequence = Math.max(nextSequence, it.next().key + 1);
                buffered++;
            }
        }
        oldestArrival = context.currentSystemTimeMs();
        if (buffered > 0) {
            LOG.info("Task {}: {} buffered images restored from the changelog; they go out with the next flush",
                    context.taskId(), buffered);
        }
        // A punctuator that flushed whatever waits would fire right after every slow full batch (it is overdue
        // by then) and send the next record alone; flushing only what has waited maxDelay keeps batches full
        // under load. Checking four times per maxDelay bounds the wait at 1.25 × maxDelay.
        Duration interval = maxDelay.dividedBy(4).compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1)
                : maxDelay.dividedBy(4);
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> {
            if (now - oldestArrival >= maxDelay.toMillis()) {
                flush();
            }
        });
    }

    @Override
    public void process(Record<String, PendingImage> record) {
        if (buffered == 0) {
            oldestArrival = context.currentSystemTimeMs();
        }
        buffer.put(nextSequence++, record.value());
        if (++buffered >= batchSize) {
            flush();
        }
    }

    /**
     * Decides the whole batch first and forwards only then. A failure while deciding (a bug on a decoding thread,
     * the model failing in a way bisection cannot isolate) forwards nothing, so the batch can still be answered:
     * every image of it gets a dead letter with the cause and leaves the buffer, instead of being retried by every
     * later record. Whatever fails after the first output was forwarded (the buffer's deletes, a store or changelog
     * error) escapes, and {@link ProcessingDeadLetterHandler} fails the task for it: the transaction aborts with
     * its half-written outputs, and a restart replays the batch from the last commit.
     */
    private void flush() {
        if (buffered == 0) {
            return;
        }
        List<Long> keys = new ArrayList<>(buffered);
        List<PendingImage> batch = new ArrayList<>(buffered);
        try (KeyValueIterator<Long, PendingImage> it = buffer.all()) {
            while (it.hasNext()) {
                KeyValue<Long, PendingImage> kv = it.next();
                keys.add(kv.key);
                batch.add(kv.value);
            }
        }
        List<Decision> decisions;
        try {
            decisions = decide(batch);
        } catch (CancellationException e) {
            throw new InterruptException("interrupted while tagging a batch of " + batch.size());
        } catch (RuntimeException e) {
            LOG.error("Task {}: the first pass failed on a batch of {} images (offsets {}); dead-lettering the "
                    + "batch", context.taskId(), batch.size(), offsets(batch), e);
            decisions = batch.stream().map(p -> Decision.failed(p, e)).toList();
        }
        for (Decision d : decisions) {
            forward(d);
        }
        keys.forEach(buffer::delete);
        buffered = 0;
        // The buffer is empty now, so numbering can start again: reusing keys lets compaction keep the changelog
        // at about one batch of keys, instead of a tombstone for every image that ever passed through.
        nextSequence = 0;
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

    /** One buffered record's fate: a first-pass outcome, or a rejection from reading it. */
    private record Decision(PendingImage source, FirstPassOutcome outcome, RejectedInputException rejection) {
        static Decision failed(PendingImage source, RuntimeException cause) {
            return new Decision(source, null, new RejectedInputException(RejectionReason.BATCH_FAILED,
                    "the first pass failed on the batch this image was in: " + cause
                            + "; the image was not tagged, publish it again", null));
        }
    }
}
