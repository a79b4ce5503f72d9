package io.hiertag.streams;

import io.hiertag.avro.ImageEvent;
import io.hiertag.config.HiertagConfig;
import io.hiertag.image.ImageLoader;
import io.hiertag.tagging.BatchEmbedder;
import io.hiertag.tagging.FirstPassOutcome;
import io.hiertag.tagging.FirstPassTagger;
import io.hiertag.tagging.ImageEventValidator;
import io.hiertag.tagging.RescoringStep;
import io.hiertag.zeroshot.LabelSetModel;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.kafka.streams.Topology;

/** The application's topology over a test's own embedder, image loader and label sets, for TopologyTestDriver. */
final class TestTopologies {

    private TestTopologies() {
    }

    static Topology build(HiertagConfig config, BatchEmbedder embedder, ImageLoader images,
            Map<String, LabelSetModel> labelSets, Outputs outputs) {
        return build(config, new FirstPassTagger(embedder, images, labelSets, Clock.systemUTC())::tag, images,
                labelSets, outputs);
    }

    /** @param firstPass the first pass the topology calls, e.g. a real tagger wrapped to fail */
    static Topology build(HiertagConfig config, Function<List<ImageEvent>, List<FirstPassOutcome>> firstPass,
            ImageLoader images, Map<String, LabelSetModel> labelSets, Outputs outputs) {
        return build(config, firstPass, images, labelSets, outputs, null);
    }

    /** @param background where first-pass batches run, or null: on the (test driver's) stream thread */
    static Topology build(HiertagConfig config, Function<List<ImageEvent>, List<FirstPassOutcome>> firstPass,
            ImageLoader images, Map<String, LabelSetModel> labelSets, Outputs outputs, Executor background) {
        ImageEventReader reader = new ImageEventReader(new ImageEventValidator(labelSets.keySet(), images),
                config.inputRawImages());
        return TaggingTopology.build(config, TaggingTopology.of(config, reader, firstPass,
                new RescoringStep(labelSets, Clock.systemUTC()), outputs, background));
    }
}
