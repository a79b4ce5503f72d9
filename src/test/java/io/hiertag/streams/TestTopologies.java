package io.hiertag.streams;

import io.hiertag.config.HiertagConfig;
import io.hiertag.image.ImageLoader;
import io.hiertag.tagging.BatchEmbedder;
import io.hiertag.tagging.FirstPassTagger;
import io.hiertag.tagging.ImageEventValidator;
import io.hiertag.tagging.RescoringStep;
import io.hiertag.zeroshot.LabelSetModel;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.streams.Topology;

/** The application's topology over a test's own embedder, image loader and label sets, for TopologyTestDriver. */
final class TestTopologies {

    private TestTopologies() {
    }

    static Topology build(HiertagConfig config, BatchEmbedder embedder, ImageLoader images,
            Map<String, LabelSetModel> labelSets, Outputs outputs) {
        Clock clock = Clock.systemUTC();
        ImageEventReader reader = new ImageEventReader(new ImageEventValidator(labelSets.keySet(), images));
        return TaggingTopology.build(config, TaggingTopology.of(config, reader,
                new FirstPassTagger(embedder, images, labelSets, clock), new RescoringStep(labelSets, clock),
                outputs));
    }
}
