package io.hiertag.bench;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.PendingImage;
import io.hiertag.avro.TagResult;
import io.hiertag.image.ImageDecoder;
import io.hiertag.image.ImagePreprocessor;
import io.hiertag.image.InvalidImageException;
import io.hiertag.kafka.Topics;
import io.hiertag.model.TensorFlowJpegPngDecoder;
import io.hiertag.tagging.BatchEmbedder;
import io.hiertag.tagging.RejectedInputException;
import io.hiertag.tagging.TaggingEngine;
import io.hiertag.zeroshot.BankScoring;
import io.hiertag.zeroshot.BlockScores;
import io.hiertag.zeroshot.ConsistencyRule;
import io.hiertag.zeroshot.FirstPass;
import io.hiertag.zeroshot.FirstPassResult;
import io.hiertag.zeroshot.LabelSetModel;
import io.hiertag.zeroshot.Vectors;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * (h) The non-model cost of one image, stage by stage, each stage timed alone on one thread with the classes the
 * pipeline uses; and (d) the rescoring cost. Per-image figures are medians over the inputs, which keeps a
 * preemption by another process from skewing them; batch stages (heads, consistency) are divided by the batch.
 */
final class StageCosts {

    static final String AVRO = "avro";
    static final String DECODE = "decode";
    static final String RESIZE_CROP = "resize-crop";
    static final String HEADS = "classifier-heads";
    static final String CONSISTENCY = "consistency-top5";
    static final String RESCORING = "rescoring";
    static final String BATCH_BUFFER = "batch-buffer";

    /** @param microsPerImage stage name to µs per image, in pipeline order */
    record Result(Map<String, Double> microsPerImage, Percentiles rescoreMicros) {
        double total() {
            return microsPerImage.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private final BenchPhotos photos;
    private final TaggingEngine engine;
    private final ImagePreprocessor preprocessor;
    private final ImageDecoder decoder = new ImageDecoder(Long.MAX_VALUE, Long.MAX_VALUE,
            TensorFlowJpegPngDecoder.instance());
    private final int repeats;

    StageCosts(BenchPhotos photos, TaggingEngine engine, int repeats) {
        this.photos = photos;
        this.engine = engine;
        this.preprocessor = engine.encoder().contract().image().preprocessor();
        this.repeats = repeats;
    }

    Result measure(LabelSetModel model, ConsistencyRule rule, boolean ensemble, int batch, int rescoreCalls,
            TagResult sampleTag, Path scratch) throws InvalidImageException, RocksDBException {
        Map<String, Double> stages = new LinkedHashMap<>();
        stages.put(AVRO, avro(sampleTag));
        stages.put(DECODE, decode());
        stages.put(RESIZE_CROP, resizeAndCrop(rule.flip()));

        // Embeddings of the photos (and flips) once, as the first pass makes them; the heads and rescoring are
        // then timed on them.
        List<byte[]> inputs = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            inputs.add(photos.get(i));
        }
        List<BatchEmbedder.Embedded<byte[]>> embedded = engine.embedder().embed(inputs, photoSource());
        List<float[]> embeddings = embedded.stream().map(BatchEmbedder.Embedded::embedding).toList();
        float[] images = Vectors.flatten(embeddings);
        float[] flipped = rule.flip()
                ? Vectors.flatten(embedded.stream().map(BatchEmbedder.Embedded::flippedEmbedding).toList()) : null;
        List<FirstPassResult> results;
        try (TimedScoring scoring = new TimedScoring(engine.encoder().bankScoring(model.bank()))) {
            FirstPass firstPass = new FirstPass(model.bank(), scoring, rule, ensemble);
            firstPass.classify(images, flipped, batch);
            double[] heads = new double[Math.max(3, repeats / batch)];
            double[] rest = new double[heads.length];
            List<FirstPassResult> last = null;
            for (int r = 0; r < heads.length; r++) {
                scoring.nanos = 0;
                long t0 = System.nanoTime();
                last = firstPass.classify(images, flipped, batch);
                long total = System.nanoTime() - t0;
                heads[r] = scoring.nanos / 1e3 / batch;
                rest[r] = (total - scoring.nanos) / 1e3 / batch;
            }
            results = last;
            stages.put(HEADS, Percentiles.of(heads).p50());
            stages.put(CONSISTENCY, Percentiles.of(rest).p50());
        }
        Percentiles rescore = rescore(model, embeddings, results, rescoreCalls);
        stages.put(RESCORING, rescore.p50());
        stages.put(BATCH_BUFFER, batchBuffer(scratch));
        return new Result(stages, rescore);
    }

    /** The photos' bytes, decoded without limits, as the batch embedder reads them. */
    private BatchEmbedder.ImageSource<byte[]> photoSource() {
        return new BatchEmbedder.ImageSource<>() {
            @Override
            public BatchEmbedder.Loading start(byte[] photo) {
                return () -> decode(photo);
            }

            private BufferedImage decode(byte[] photo) throws RejectedInputException {
                try {
                    return decoder.decode(photo);
                } catch (InvalidImageException e) {
                    throw RejectedInputException.of(e, null);
                }
            }

            @Override
            public String name(byte[] photo) {
                return "a bench photo";
            }
        };
    }

    /** The ImageEvent is read twice (validate, then the first pass) and the tag written once. */
    private double avro(TagResult tag) {
        double[] micros = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            byte[] value = Topics.IMAGE_EVENT.serializer().serialize(BenchInputs.TOPIC,
                    BenchInputs.event("photo-" + i, photos.get(i)));
            long t0 = System.nanoTime();
            ImageEvent first = Topics.IMAGE_EVENT.deserializer().deserialize(BenchInputs.TOPIC, value);
            ImageEvent second = Topics.IMAGE_EVENT.deserializer().deserialize(BenchInputs.TOPIC, value);
            byte[] out = Topics.TAG_RESULT.serializer().serialize(BenchInputs.TOPIC, tag);
            micros[i] = (System.nanoTime() - t0) / 1e3;
            if (first.getImage().remaining() + second.getImage().remaining() + out.length == 0) { // used, so kept
                throw new IllegalStateException("empty round trip");
            }
        }
        return Percentiles.of(micros).p50();
    }

    private double decode() throws InvalidImageException {
        double[] micros = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            byte[] bytes = photos.get(i);
            long t0 = System.nanoTime();
            decoder.decode(bytes);
            micros[i] = (System.nanoTime() - t0) / 1e3;
        }
        return Percentiles.of(micros).p50();
    }

    private double resizeAndCrop(boolean flip) throws InvalidImageException {
        BufferedImage[] decoded = new BufferedImage[photos.count()];
        for (int p = 0; p < decoded.length; p++) {
            decoded[p] = decoder.decode(photos.get(p));
        }
        float[] out = new float[2 * preprocessor.floatsPerImage()];
        double[] micros = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            preprocessor.preprocessInto(decoded[i % decoded.length], out, 0);
            if (flip) {
                ImagePreprocessor.flipHorizontally(out, 0, out, preprocessor.floatsPerImage(), preprocessor.size());
            }
            micros[i] = (System.nanoTime() - t0) / 1e3;
        }
        return Percentiles.of(micros).p50();
    }

    private static Percentiles rescore(LabelSetModel model, List<float[]> embeddings, List<FirstPassResult> results,
            int calls) {
        int n = results.size();
        for (int i = 0; i < Math.min(calls, 200); i++) {
            model.rescorer().rescore(embeddings.get(i % n), results.get(i % n).topClasses());
        }
        double[] micros = new double[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            model.rescorer().rescore(embeddings.get(i % n), results.get(i % n).topClasses());
            micros[i] = (System.nanoTime() - t0) / 1e3;
        }
        return Percentiles.of(micros);
    }

    /**
     * What the changelogged batch buffer does per image on the stream thread: serialise the record, put it into
     * a RocksDB store (write-ahead log off, as Kafka Streams runs it), read it back and deserialise it at the
     * flush, delete it. Sending it to the changelog topic is the producer's work and counted in (c) only.
     */
    private double batchBuffer(Path scratch) throws RocksDBException {
        RocksDB.loadLibrary();
        double[] micros = new double[repeats];
        try (Options options = new Options().setCreateIfMissing(true);
             WriteOptions write = new WriteOptions().setDisableWAL(true);
             RocksDB db = RocksDB.open(options, scratch.toString())) {
            for (int i = 0; i < repeats; i++) {
                PendingImage pending = BenchInputs.pending("photo-" + i, photos.get(i), i);
                byte[] key = ByteBuffer.allocate(Long.BYTES).putLong(i).array();
                long t0 = System.nanoTime();
                db.put(write, key, Topics.PENDING_IMAGE.serializer().serialize(BenchInputs.TOPIC, pending));
                PendingImage back = Topics.PENDING_IMAGE.deserializer().deserialize(BenchInputs.TOPIC, db.get(key));
                db.delete(write, key);
                micros[i] = (System.nanoTime() - t0) / 1e3;
                if (back.getOffset() != i) {
                    throw new IllegalStateException("batch buffer round trip changed the record");
                }
            }
        }
        return Percentiles.of(micros).p50();
    }

    /** Engine scoring that adds up the time spent in it, to split the first pass's heads from the rest. */
    private static final class TimedScoring implements BankScoring {
        private final BankScoring delegate;
        long nanos;

        TimedScoring(BankScoring delegate) {
            this.delegate = delegate;
        }

        @Override
        public BlockScores score(float[] queries, int n, int blocks, int fullBlocks) {
            long t0 = System.nanoTime();
            try {
                return delegate.score(queries, n, blocks, fullBlocks);
            } finally {
                nanos += System.nanoTime() - t0;
            }
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
