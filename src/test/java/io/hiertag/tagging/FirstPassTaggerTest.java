package io.hiertag.tagging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.Stage;
import io.hiertag.avro.TagResult;
import io.hiertag.image.ImageDecoder;
import io.hiertag.image.ImageFetcher;
import io.hiertag.image.ImageLoader;
import io.hiertag.kafka.ImagePublisher;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.model.TensorFlowJpegPngDecoder;
import io.hiertag.samples.SampleImages;
import io.hiertag.streams.TestModels;
import io.hiertag.zeroshot.LabelSetModel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batch is decoded on the decoding threads straight into the model's input; refused images leave gaps that
 * are closed before the model call. A good image must get exactly the tag it gets when tagged alone, wherever
 * the refused images sit in its batch.
 */
class FirstPassTaggerTest {

    private static SavedModelDualEncoder encoder;
    private static Map<String, LabelSetModel> labelSets;
    private static BatchEmbedder embedder;
    private static FirstPassTagger tagger;

    @BeforeAll
    static void open() {
        encoder = SavedModelDualEncoder.open(TestModels.testModel());
        labelSets = TestModels.imagenet(encoder);
        embedder = new BatchEmbedder(encoder, true);
        ImageLoader images = new ImageLoader(new ImageDecoder(10_000_000, 50_000_000,
                TensorFlowJpegPngDecoder.instance()),
                new ImageFetcher(List.of(), Set.of(), 10_000_000, Duration.ofSeconds(1)));
        tagger = new FirstPassTagger(embedder, images, labelSets, Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        embedder.close();
        labelSets.values().forEach(LabelSetModel::close);
        encoder.close();
    }

    @Test
    void refusedImagesAnywhereInTheBatchLeaveTheOthersTagsUnchanged() {
        List<ImageEvent> batch = new ArrayList<>();
        List<Integer> good = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            byte[] jpeg = SampleImages.jpeg(SampleImages.generate(7, i, 90 + 10 * i, 70));
            if (i % 4 == 0) {
                batch.add(event("truncated-" + i, Arrays.copyOf(jpeg, jpeg.length / 3)));
            } else if (i % 5 == 1) {
                batch.add(event("not-an-image-" + i, "plain text, not pixels".getBytes()));
            } else {
                batch.add(event("good-" + i, jpeg));
                good.add(i);
            }
        }
        List<FirstPassOutcome> outcomes = tagger.tag(batch);

        assertEquals(batch.size(), outcomes.size());
        for (int i = 0; i < batch.size(); i++) {
            FirstPassOutcome o = outcomes.get(i);
            assertSame(batch.get(i), o.event(), "outcomes keep input order");
            if (good.contains(i)) {
                assertFalse(o.refused(), "good-" + i);
                TagResult alone = tagger.tag(List.of(batch.get(i))).get(0).tag();
                assertEquals(alone.getLabel(), o.tag().getLabel(), "good-" + i);
                assertEquals(alone.getScore(), o.tag().getScore(), 1e-5, "good-" + i);
                assertEquals(alone.getConsistency(), o.tag().getConsistency(), "good-" + i);
                assertEquals(o.tag().getId(), batch.get(i).getId());
            } else {
                assertTrue(o.refused(), "image " + i);
                assertEquals(Stage.DECODE, o.rejection().stage());
                assertEquals(i % 4 == 0 ? RejectionReason.UNREADABLE_IMAGE : RejectionReason.UNSUPPORTED_FORMAT,
                        o.rejection().reason());
                assertEquals(batch.get(i).getId(), o.rejection().imageId(), "the dead letter names the image");
            }
        }
    }

    @Test
    void uncertainImagesKeepTheirRawEmbeddingForRescoring() {
        List<ImageEvent> batch = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            batch.add(event("img-" + i, SampleImages.png(SampleImages.generate(11, i, 64, 48))));
        }
        List<FirstPassOutcome> outcomes = tagger.tag(batch);
        for (FirstPassOutcome o : outcomes) {
            assertFalse(o.refused());
            boolean uncertain = !o.tag().getConsistency().getTextAgreement()
                    || !o.tag().getConsistency().getFlipAgreement();
            assertEquals(uncertain, o.uncertain(), o.tag().getId());
            if (o.uncertain()) {
                assertNotNull(o.embedding());
                assertEquals(encoder.embeddingSize(), o.embedding().length);
            }
        }
        assertTrue(outcomes.stream().anyMatch(FirstPassOutcome::uncertain), "the sample has uncertain images");
    }

    private static ImageEvent event(String id, byte[] image) {
        return ImagePublisher.event(id, image, "imagenet-1k", null, Map.of());
    }
}
