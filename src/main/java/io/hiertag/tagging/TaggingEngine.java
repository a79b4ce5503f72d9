package io.hiertag.tagging;

import io.hiertag.config.HiertagConfig;
import io.hiertag.image.ImageDecoder;
import io.hiertag.image.ImageFetcher;
import io.hiertag.image.ImageLoader;
import io.hiertag.model.ModelContract;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.model.TensorFlowJpegPngDecoder;
import io.hiertag.zeroshot.EncodingProgress;
import io.hiertag.zeroshot.LabelSetModel;
import io.hiertag.zeroshot.LabelSetModels;
import io.hiertag.zeroshot.TextEmbeddingCache;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the method needs at run time, loaded once and owned here: the model, every configured label set
 * (text embeddings from the cache when there), the batch embedder and the two steps built on them. The stream
 * and {@code bench} run the same engine.
 */
public final class TaggingEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaggingEngine.class);

    private final SavedModelDualEncoder encoder;
    private final Map<String, LabelSetModel> labelSets;
    private final ImageLoader images;
    private final BatchEmbedder embedder;
    private final ImageEventValidator validator;
    private final FirstPassTagger firstPass;
    private final RescoringStep rescoring;
    private final TextEmbeddingCache textCache;

    private TaggingEngine(SavedModelDualEncoder encoder, Map<String, LabelSetModel> labelSets, ImageLoader images,
            boolean flip, Clock clock, ModelCalls calls, TextEmbeddingCache textCache) {
        this.encoder = encoder;
        this.labelSets = labelSets;
        this.images = images;
        this.textCache = textCache;
        this.embedder = new BatchEmbedder(encoder, flip, calls);
        this.validator = new ImageEventValidator(labelSets.keySet(), images);
        this.firstPass = new FirstPassTagger(embedder, images, labelSets, clock);
        this.rescoring = new RescoringStep(labelSets, clock);
    }

    /**
     * Loads the model and the configured label sets, with the configured input limits and uri policy.
     *
     * @param progress told how the first computation of the text embeddings advances
     */
    public static TaggingEngine open(HiertagConfig config, Path modelDir, EncodingProgress progress) {
        return open(config, modelDir, progress, ModelCalls.NONE);
    }

    /** @param calls told the time of every model call the first pass makes */
    public static TaggingEngine open(HiertagConfig config, Path modelDir, EncodingProgress progress,
            ModelCalls calls) {
        long t0 = System.nanoTime();
        SavedModelDualEncoder encoder = SavedModelDualEncoder.open(modelDir, config.device());
        try {
            TextEmbeddingCache textCache = new TextEmbeddingCache(config.cacheDir());
            Map<String, LabelSetModel> labelSets = LabelSetModels.load(config.labelSets(),
                    config.hierarchyOptions(), new LabelSetModel.Options(config.consistencyRule(),
                            config.rescoringEnsemble()), encoder.modelId(), encoder::embedTexts,
                    textCache, encoder::bankScoring, progress);
            LOG.info("Model {} ready with label sets {} in {} ms", encoder.modelId(), labelSets.keySet(),
                    (System.nanoTime() - t0) / 1_000_000);
            return new TaggingEngine(encoder, labelSets, images(config, encoder.contract().image()),
                    config.consistencyRule().flip(), Clock.systemUTC(), calls, textCache);
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    /** Inline images and {@code uri} inputs, within the configured limits and policy, decoded for the model. */
    public static ImageLoader images(HiertagConfig config, ModelContract.ImageSpec image) {
        return new ImageLoader(imageDecoder(config, image), new ImageFetcher(config.inputUriAllowedDirs(),
                config.inputUriAllowedHosts(), config.inputMaxBytes(), config.inputUriTimeout()));
    }

    /** The decoder with the configured size limits and formats, decoding JPEGs as PIL does. */
    public static ImageDecoder imageDecoder(HiertagConfig config) {
        return new ImageDecoder(config.inputMaxBytes(), config.inputMaxPixels(), config.inputFormats(),
                TensorFlowJpegPngDecoder.instance());
    }

    /** The same, decoding JPEGs as the model's contract says and {@code image.fast-decode} allows. */
    public static ImageDecoder imageDecoder(HiertagConfig config, ModelContract.ImageSpec image) {
        return imageDecoder(config).forModel(image.jpegDecoding(), config.imageFastDecode() ? 2 * image.size() : 0);
    }

    public String modelId() {
        return encoder.modelId();
    }

    public SavedModelDualEncoder encoder() {
        return encoder;
    }

    /** The loaded label sets by name. */
    public Map<String, LabelSetModel> labelSets() {
        return labelSets;
    }

    public BatchEmbedder embedder() {
        return embedder;
    }

    public ImageEventValidator validator() {
        return validator;
    }

    public FirstPassTagger firstPass() {
        return firstPass;
    }

    public RescoringStep rescoring() {
        return rescoring;
    }

    /** The cache the label sets' text embeddings came from, with its hit and miss counts. */
    public TextEmbeddingCache textCache() {
        return textCache;
    }

    @Override
    public void close() {
        embedder.close();
        images.close();
        labelSets.values().forEach(LabelSetModel::close);
        encoder.close();
    }
}
