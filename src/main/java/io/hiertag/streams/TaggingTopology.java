package io.hiertag.streams;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.PendingImage;
import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.Topics;
import io.hiertag.tagging.FirstPassOutcome;
import io.hiertag.tagging.RescoringStep;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.Stores;

/**
 * The only place the processing graph is wired.
 *
 * <pre>
 * images ─► validate ─► first-pass ─confident──────────────────► tags
 *              │          (batched,  ─uncertain─► hierarchy-rescore ─┘
 *              │           buffered)      │              │
 *              └──────────────┴───────────┴──────────────┴─► dead-letters
 *
 * tags, dead-letters ─► {@link MetricsTopology} (per label set, model and window) ─► metrics
 * </pre>
 *
 * The source reads raw bytes so that a value that is not an ImageEvent still reaches a processor, and its dead
 * letter can carry the bytes exactly as they arrived.
 */
public final class TaggingTopology {

    static final String IMAGES_SOURCE = "images-source";
    static final String VALIDATE = "validate";
    static final String FIRST_PASS = "first-pass";
    static final String BATCH_BUFFER = "first-pass-batch-buffer";
    static final String HIERARCHY_RESCORE = "hierarchy-rescore";
    static final String TAGS_SINK = "tags-sink";
    static final String DEAD_LETTERS_SINK = "dead-letters-sink";

    private TaggingTopology() {
    }

    /**
     * Makes the graph's three processors, one of each per task. The application makes them from its tagging
     * engine; a description or a reset needs no engine, so they use {@link #DESCRIBED_ONLY}, which refuse to run.
     */
    interface Processors {
        Processor<byte[], byte[], Object, Object> validate();

        Processor<String, PendingImage, Object, Object> firstPass();

        Processor<String, UncertainImage, Object, Object> hierarchyRescore();
    }

    /**
     * The processors of a running application: every task gets its own, over the shared engine.
     *
     * @param background where first-pass batches run while the next one fills, or null for the stream thread
     */
    static Processors of(HiertagConfig config, ImageEventReader reader,
            Function<List<ImageEvent>, List<FirstPassOutcome>> firstPass, RescoringStep rescoring, Outputs outputs,
            Executor background) {
        return new Processors() {
            @Override
            public Processor<byte[], byte[], Object, Object> validate() {
                return new ValidateProcessor(reader, outputs);
            }

            @Override
            public Processor<String, PendingImage, Object, Object> firstPass() {
                return new FirstPassProcessor(reader, firstPass, outputs, config.batchSize(),
                        config.batchMaxDelay(), background);
            }

            @Override
            public Processor<String, UncertainImage, Object, Object> hierarchyRescore() {
                return new HierarchyRescoreProcessor(rescoring, outputs);
            }
        };
    }

    static Topology build(HiertagConfig config, Processors processors) {
        Topics topics = Topics.of(config);
        StreamsBuilder builder = new StreamsBuilder();
        MetricsTopology.addTo(builder, config);
        Topology t = builder.build();
        t.addSource(IMAGES_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.images().name());
        t.addProcessor(VALIDATE, processors::validate, IMAGES_SOURCE);
        t.addProcessor(FIRST_PASS, processors::firstPass, VALIDATE);
        // The in-memory variant is not changelogged, so a crash loses what waits in it: it exists only so the
        // crash test can show that its harness catches that failure.
        t.addStateStore(config.persistentBatchBuffer()
                ? Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BATCH_BUFFER), Serdes.Long(),
                        Topics.PENDING_IMAGE).withLoggingEnabled(StreamsSettings.batchBufferChangelog(config))
                : Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(BATCH_BUFFER), Serdes.Long(),
                        Topics.PENDING_IMAGE).withLoggingDisabled(), FIRST_PASS);
        t.addProcessor(HIERARCHY_RESCORE, processors::hierarchyRescore, FIRST_PASS);
        // Processors hand the sinks Avro bytes they have already sized against the topic (see Outputs).
        t.addSink(TAGS_SINK, topics.tags().name(), new ByteArraySerializer(), new ByteArraySerializer(), FIRST_PASS,
                HIERARCHY_RESCORE);
        t.addSink(DEAD_LETTERS_SINK, topics.deadLetters().name(), new ByteArraySerializer(),
                new ByteArraySerializer(), VALIDATE, FIRST_PASS, HIERARCHY_RESCORE);
        return t;
    }

    /** The graph as {@code Topology.describe()} prints it; needs no model, since processors are not run. */
    public static String describe(HiertagConfig config) {
        return build(config, DESCRIBED_ONLY).describe().toString();
    }

    /** Processors that are never run: for a graph to describe or to clean up the local state of. */
    static final Processors DESCRIBED_ONLY = new Processors() {
        @Override
        public Processor<byte[], byte[], Object, Object> validate() {
            return record -> refuse();
        }

        @Override
        public Processor<String, PendingImage, Object, Object> firstPass() {
            return record -> refuse();
        }

        @Override
        public Processor<String, UncertainImage, Object, Object> hierarchyRescore() {
            return record -> refuse();
        }

        private void refuse() {
            throw new IllegalStateException("this topology was built to be described, not run");
        }
    };
}
