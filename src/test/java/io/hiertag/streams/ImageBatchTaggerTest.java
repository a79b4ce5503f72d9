package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.hiertag.avro.PendingImage;
import io.hiertag.avro.Stage;
import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.ImagePublisher;
import io.hiertag.kafka.Topics;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.samples.SampleImages;
import io.hiertag.zeroshot.LabelSetModel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batch is read and decoded on the decoding threads straight into the model's input; refused records leave
 * gaps that are closed before the model call. A good image must get exactly the tag it gets when tagged alone,
 * wherever the refused records sit in its batch.
 */
class ImageBatchTaggerTest {

    private static SavedModelDualEncoder encoder;
    private static Map<String, LabelSetModel> labelSets;
    private static ImageBatchTagger tagger;

    @BeforeAll
    static void open() {
        encoder = SavedModelDualEncoder.open(TestModels.testModel());
        labelSets = TestModels.imagenet(encoder);
        tagger = ImageBatchTagger.create(HiertagConfig.defaults(), encoder, labelSets);
    }

    @AfterAll
    static void close() {
        tagger.close();
        labelSets.values().forEach(LabelSetModel::close);
        encoder.close();
    }

    @Test
    void refusedRecordsAnywhereInTheBatchLeaveTheOthersTagsUnchanged() {
        List<PendingImage> batch = new ArrayList<>();
        List<Integer> good = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            byte[] jpeg = SampleImages.jpeg(SampleImages.generate(7, i, 90 + 10 * i, 70));
            if (i % 4 == 0) {
                batch.add(pending("truncated-" + i, Arrays.copyOf(jpeg, jpeg.length / 3), i));
            } else if (i % 5 == 1) {
                batch.add(pending("junk-" + i, null, i));
            } else {
                batch.add(pending("good-" + i, jpeg, i));
                good.add(i);
            }
        }
        List<BatchOutcome> outcomes = tagger.tag(batch);

        assertEquals(batch.size(), outcomes.size());
        for (int i = 0; i < batch.size(); i++) {
            BatchOutcome o = outcomes.get(i);
            assertEquals(batch.get(i), o.source(), "outcomes keep input order");
            if (good.contains(i)) {
                assertNull(o.deadLetter(), "good-" + i);
                TagResult alone = tagOf(tagger.tag(List.of(batch.get(i))).get(0));
                TagResult inBatch = tagOf(o);
                assertEquals(alone.getLabel(), inBatch.getLabel(), "good-" + i);
                assertEquals(alone.getScore(), inBatch.getScore(), 1e-5, "good-" + i);
                assertEquals(alone.getConsistency(), inBatch.getConsistency(), "good-" + i);
            } else {
                assertNotNull(o.deadLetter(), "record " + i);
                assertEquals(i % 4 == 0 ? Stage.DECODE : Stage.DESERIALIZE, o.deadLetter().getStage());
            }
        }
    }

    private static TagResult tagOf(BatchOutcome o) {
        return o.tag() != null ? o.tag() : o.uncertain().firstPassTag();
    }

    /** A batch-buffer record; {@code image == null} gives a value that is not an ImageEvent. */
    private static PendingImage pending(String id, byte[] image, long offset) {
        byte[] value = image == null ? "junk".getBytes(StandardCharsets.UTF_8)
                : Topics.IMAGE_EVENT.serializer().serialize("images",
                        ImagePublisher.event(id, image, "imagenet-1k", null, Map.of()));
        return PendingImage.newBuilder().setKey(ByteBuffer.wrap(id.getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(value)).setTimestamp(offset).setTopic("images").setPartition(0)
                .setOffset(offset).build();
    }
}
