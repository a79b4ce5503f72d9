package io.hiertag.convert;

import static io.hiertag.convert.NameTable.part;

import io.hiertag.convert.NameTable.Layout;
import io.hiertag.image.JpegDecoding;
import io.hiertag.image.Normalization;
import io.hiertag.image.Resize;
import io.hiertag.model.ModelContract;
import io.hiertag.model.graph.Activation;
import io.hiertag.model.graph.BertSpec;
import io.hiertag.model.graph.TransformerSpec;
import io.hiertag.model.graph.VitSpec;
import io.hiertag.model.graph.WeightNames;
import io.hiertag.text.WordPieceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * LiT as google-research/vision_transformer releases it ({@code LiT-B16B.npz}, {@code LiT-L16L.npz}, with the BERT
 * vocabulary beside it as {@code LiT-B16B.txt}): vit_jax's {@code VisionTransformer} under {@code img/} and
 * flaxformer's {@code BertEncoder} under {@code txt/}, names flattened with {@code /} by vit_jax's checkpoint code.
 *
 * <p>The file has no config, so the architecture comes from the tensors' shapes: widths, patch, image side (from
 * the position table), layer counts, image heads (Flax's {@code [D, heads, head width]} kernels) and the optional
 * heads (LiT-L16L's image tower has none). Flaxformer stores BERT's attention kernels with the heads merged, so
 * BERT's heads are its width over 64, as in BERT-Base and BERT-Large. Both towers use Flax's tanh GELU; layer norms
 * take Flax's epsilon (1e-6) in the image tower and BERT's (1e-12) in the text tower. Text rows are 16 tokens and
 * images are resized to the square with TensorFlow's bilinear resize, values in -1..1, as the release's
 * preprocessing does.
 *
 * <p>Blocks may use either Flax numbering: pre-Linen checkpoints count the sub-modules of an encoder block across
 * classes ({@code LayerNorm_0}, {@code MultiHeadDotProductAttention_1}, {@code LayerNorm_2}, {@code MlpBlock_3}),
 * Linen per class ({@code LayerNorm_0}, {@code MultiHeadDotProductAttention_0}, {@code LayerNorm_1},
 * {@code MlpBlock_0}); vit_jax's loader reads both, and so does this.
 */
final class LitLayout {

    static final int MAX_LENGTH = 16;
    private static final int BERT_HEAD_WIDTH = 64;
    private static final double VIT_EPSILON = 1e-6;
    private static final double BERT_EPSILON = 1e-12;
    private static final String IMG = "img/";
    private static final String BLOCK = IMG + "Transformer/encoderblock_";
    private static final String BERT = "txt/BertEncoder_0/";
    private static final String LAYER = BERT + "encoder_block/layer_sequence/layers_";
    private static final Pattern MODULE = Pattern.compile("encoderblock_(\\d+)/([A-Za-z]+)_(\\d+)/");

    private LitLayout() {
    }

    /** @return the folder's one {@code .npz} file */
    static Path checkpoint(Path dir) {
        List<Path> found;
        try (Stream<Path> files = Files.list(dir)) {
            found = files.filter(f -> f.getFileName().toString().endsWith(".npz")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
        if (found.size() != 1) {
            throw new CheckpointException(dir + ": expected one LiT .npz file, found " + found.size()
                    + (found.isEmpty() ? "" : " " + found));
        }
        return found.get(0);
    }

    static ImportPlan plan(Path dir) {
        Path npz = checkpoint(dir);
        String base = npz.getFileName().toString().replaceAll("\\.npz$", "");
        Path vocabulary = vocabulary(dir, base);
        TensorFile file = NpzFile.open(npz);
        try {
            Map<String, String> renamed = linenNames(file);
            VitSpec image = imageSpec(file, renamed);
            BertSpec text = textSpec(file);
            if (image.outputSize() != text.outputSize()) {
                throw new CheckpointException(npz + ": the towers' outputs differ: img gives " + image.outputSize()
                        + " values, txt " + text.outputSize());
            }
            NameTable table = new NameTable(file, "the architecture its other tensors give (LiT has no config)");
            imageTable(table, image, renamed);
            textTable(table, text);
            table.verify();
            table.refuseUnused(Pattern.compile("t"));
            List<String> tokens = readVocabulary(vocabulary, text.vocabularySize());
            try {
                new WordPieceTokenizer(tokens, MAX_LENGTH, true);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(vocabulary + ": not a BERT vocabulary: " + e.getMessage());
            }
            String vocabularyName = vocabulary.getFileName().toString();
            return new ImportPlan("LiT", image, text, table, file,
                    // vit_jax's PreprocessImages after TensorFlow's default decode: fast IDCT, both sides bilinear
                    // to the input size, back to uint8, then -1..1.
                    ModelContract.ImageSpec.standard(image.imageSize(), Resize.TF_BILINEAR, false,
                            new Normalization.Range(-1, 1), JpegDecoding.TF),
                    ModelContract.TextSpec.standard(ModelContract.TokenizerType.WORDPIECE, vocabularyName,
                            MAX_LENGTH, true),
                    target -> Files.copy(vocabulary, target, StandardCopyOption.COPY_ATTRIBUTES));
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static Path vocabulary(Path dir, String base) {
        for (Path candidate : List.of(dir.resolve(base + ".txt"), dir.resolve("vocab.txt"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new CheckpointException(dir.resolve(base + ".txt") + ": tokenizer file missing (LiT's BERT "
                + "vocabulary, released beside " + base + ".npz; vocab.txt is read too)");
    }

    private static List<String> readVocabulary(Path file, int rows) {
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .toList());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        // Fewer tokens than rows is harmless (rows no id reaches); more would index past the table.
        if (lines.size() > rows) {
            throw new CheckpointException(file + " has " + lines.size() + " tokens, but the checkpoint's token "
                    + "table has only " + rows + " rows");
        }
        return lines;
    }

    /**
     * For each encoder block, the Linen name of each sub-module ({@code encoderblock_3/LayerNorm_1/}) mapped to
     * the file's ({@code encoderblock_3/LayerNorm_2/} in a pre-Linen file): per class, in the order of their
     * numbers.
     */
    private static Map<String, String> linenNames(TensorFile file) {
        Map<String, Map<String, TreeSet<Integer>>> byBlock = new HashMap<>();
        for (String name : file.tensors().keySet()) {
            Matcher m = MODULE.matcher(name);
            if (name.startsWith(BLOCK) && m.find()) {
                byBlock.computeIfAbsent(m.group(1), k -> new HashMap<>())
                        .computeIfAbsent(m.group(2), k -> new TreeSet<>()).add(Integer.parseInt(m.group(3)));
            }
        }
        Map<String, String> renamed = new HashMap<>();
        byBlock.forEach((block, classes) -> classes.forEach((cls, numbers) -> {
            int linen = 0;
            for (int number : numbers) {
                renamed.put("encoderblock_" + block + "/" + cls + "_" + linen++ + "/",
                        "encoderblock_" + block + "/" + cls + "_" + number + "/");
            }
        }));
        return renamed;
    }

    /** The file's name for a tensor named the Linen way. */
    private static String real(Map<String, String> renamed, String linen) {
        Matcher m = MODULE.matcher(linen);
        if (!m.find()) {
            return linen;
        }
        String original = renamed.get(m.group());
        return original == null ? linen : linen.replace(m.group(), original);
    }

    private static VitSpec imageSpec(TensorFile file, Map<String, String> renamed) {
        if (!file.tensors().containsKey(IMG + "cls")) {
            throw new CheckpointException(file.path() + ": missing tensor 'img/cls' (not a LiT checkpoint with a "
                    + "ViT image tower)");
        }
        if (file.tensors().containsKey(IMG + "pre_logits/kernel")) {
            throw new CheckpointException(file.path() + ": unknown architecture: the image tower has a "
                    + "representation layer (img/pre_logits), which LiT's towers do not");
        }
        long d = dim(file, IMG + "cls", 3, 2);
        long[] kernel = shape(file, IMG + "embedding/kernel", 4);
        int patch = (int) kernel[0];
        long tokens = dim(file, IMG + "Transformer/posembed_input/pos_embedding", 3, 1);
        int grid = (int) Math.round(Math.sqrt(tokens - 1));
        if ((long) grid * grid + 1 != tokens) {
            throw new CheckpointException(file.path() + ": tensor 'img/Transformer/posembed_input/pos_embedding' has "
                    + tokens + " positions, not a square grid and a class token");
        }
        int layers = count(file, Pattern.compile(Pattern.quote(BLOCK) + "(\\d+)/.*"));
        String block0 = BLOCK + "0/";
        long heads = dim(file, real(renamed, block0 + "MultiHeadDotProductAttention_0/query/kernel"), 3, 1);
        long mlp = dim(file, real(renamed, block0 + "MlpBlock_0/Dense_0/bias"), 1, 0);
        TransformerSpec t = new TransformerSpec((int) d, layers, (int) heads, (int) mlp, VIT_EPSILON,
                Activation.GELU_TANH);
        int head = file.tensors().containsKey(IMG + "head/kernel") ? (int) dim(file, IMG + "head/kernel", 2, 1) : 0;
        return new VitSpec(grid * patch, patch, t, true, false, head, head > 0);
    }

    private static BertSpec textSpec(TensorFile file) {
        String tokens = BERT + "embedder/embedders_token_ids/embedding";
        if (!file.tensors().containsKey(tokens)) {
            throw new CheckpointException(file.path() + ": missing tensor '" + tokens + "' (LiT's text tower must be "
                    + "BERT, as in LiT-B16B and LiT-L16L; the sentencepiece towers are not supported)");
        }
        long[] table = shape(file, tokens, 2);
        int width = (int) table[1];
        int heads = bertHeads(file, width);
        int layers = count(file, Pattern.compile(Pattern.quote(LAYER) + "(\\d+)/.*"));
        long mlp = dim(file, LAYER + "0/mlp_block/mlp/dense_layer/bias", 1, 0);
        TransformerSpec t = new TransformerSpec(width, layers, heads, (int) mlp, BERT_EPSILON,
                Activation.GELU_TANH);
        int head = file.tensors().containsKey("txt/head/kernel") ? (int) dim(file, "txt/head/kernel", 2, 1) : 0;
        return new BertSpec((int) table[0], MAX_LENGTH, t, head);
    }

    /**
     * Flaxformer stores the query kernel flat ({@code [D, D]}, its default) or, without {@code reshape_kernel},
     * as {@code [D, heads, head width]}; only the latter shows the heads.
     */
    private static int bertHeads(TensorFile file, int width) {
        TensorInfo query = file.tensors().get(LAYER + "0/attention_block/attention_layer/query/kernel");
        if (query != null && query.shape().size() == 3) {
            return query.shape().get(1).intValue();
        }
        if (width % BERT_HEAD_WIDTH != 0) {
            throw new CheckpointException(file.path() + ": BERT width " + width + " is not a multiple of "
                    + BERT_HEAD_WIDTH + ", so its heads cannot be told");
        }
        return width / BERT_HEAD_WIDTH;
    }

    private static long[] shape(TensorFile file, String name, int rank) {
        TensorInfo info = file.tensors().get(name);
        if (info == null) {
            throw new CheckpointException(file.path() + ": missing tensor '" + name + "'");
        }
        if (info.shape().size() != rank) {
            throw new CheckpointException(file.path() + ": tensor '" + name + "' has shape " + info.shape()
                    + ", expected " + rank + " dimensions");
        }
        return info.shape().stream().mapToLong(Long::longValue).toArray();
    }

    private static long dim(TensorFile file, String name, int rank, int axis) {
        return shape(file, name, rank)[axis];
    }

    private static int count(TensorFile file, Pattern block) {
        return (int) file.tensors().keySet().stream().map(block::matcher).filter(Matcher::matches)
                .map(m -> m.group(1)).distinct().count();
    }

    private static void imageTable(NameTable table, VitSpec image, Map<String, String> renamed) {
        TransformerSpec t = image.transformer();
        long d = t.width();
        long p = image.patchSize();
        long h = t.heads();
        long dh = t.headWidth();
        long f = t.mlpWidth();
        table.copy(WeightNames.PATCH_KERNEL, IMG + "embedding/kernel", p, p, 3, d);
        table.copy(WeightNames.PATCH_BIAS, IMG + "embedding/bias", d);
        table.add(WeightNames.CLASS_TOKEN, new long[] {d}, part(IMG + "cls", Layout.AS_IS, 1, 1, d));
        table.add(WeightNames.IMAGE_POSITIONS, new long[] {image.tokens(), d},
                part(IMG + "Transformer/posembed_input/pos_embedding", Layout.AS_IS, 1, image.tokens(), d));
        for (int i = 0; i < t.layers(); i++) {
            String b = BLOCK + i + "/";
            String attention = real(renamed, b + "MultiHeadDotProductAttention_0/");
            flaxNorm(table, WeightNames.block(WeightNames.IMAGE, i, WeightNames.NORM1), real(renamed,
                    b + "LayerNorm_0/"), d);
            table.add(WeightNames.block(WeightNames.IMAGE, i, WeightNames.QKV_KERNEL), new long[] {d, 3 * d},
                    part(attention + "query/kernel", Layout.AS_IS, d, h, dh),
                    part(attention + "key/kernel", Layout.AS_IS, d, h, dh),
                    part(attention + "value/kernel", Layout.AS_IS, d, h, dh));
            table.add(WeightNames.block(WeightNames.IMAGE, i, WeightNames.QKV_BIAS), new long[] {3 * d},
                    part(attention + "query/bias", Layout.AS_IS, h, dh),
                    part(attention + "key/bias", Layout.AS_IS, h, dh),
                    part(attention + "value/bias", Layout.AS_IS, h, dh));
            table.add(WeightNames.block(WeightNames.IMAGE, i, WeightNames.ATTENTION_OUT_KERNEL), new long[] {d, d},
                    part(attention + "out/kernel", Layout.AS_IS, h, dh, d));
            table.copy(WeightNames.block(WeightNames.IMAGE, i, WeightNames.ATTENTION_OUT_BIAS),
                    attention + "out/bias", d);
            flaxNorm(table, WeightNames.block(WeightNames.IMAGE, i, WeightNames.NORM2), real(renamed,
                    b + "LayerNorm_1/"), d);
            String mlp = real(renamed, b + "MlpBlock_0/");
            dense(table, WeightNames.block(WeightNames.IMAGE, i, WeightNames.MLP_IN_KERNEL),
                    WeightNames.block(WeightNames.IMAGE, i, WeightNames.MLP_IN_BIAS), mlp + "Dense_0/", d, f);
            dense(table, WeightNames.block(WeightNames.IMAGE, i, WeightNames.MLP_OUT_KERNEL),
                    WeightNames.block(WeightNames.IMAGE, i, WeightNames.MLP_OUT_BIAS), mlp + "Dense_1/", f, d);
        }
        flaxNorm(table, WeightNames.IMAGE_FINAL_NORM, IMG + "Transformer/encoder_norm/", d);
        if (image.embeddingSize() > 0) {
            dense(table, WeightNames.IMAGE_HEAD_KERNEL, WeightNames.IMAGE_HEAD_BIAS, IMG + "head/", d,
                    image.embeddingSize());
        }
    }

    private static void textTable(NameTable table, BertSpec text) {
        TransformerSpec t = text.transformer();
        long d = t.width();
        long f = t.mlpWidth();
        String e = BERT + "embedder/";
        table.copy(WeightNames.TOKEN_EMBEDDING, e + "embedders_token_ids/embedding", text.vocabularySize(), d);
        long positions = table.rows(e + "embedders_position_ids/embedding");
        table.add(WeightNames.TEXT_POSITIONS, new long[] {text.contextLength(), d},
                part(e + "embedders_position_ids/embedding", Layout.FIRST_ROWS, Math.max(positions,
                        text.contextLength()), d));
        long segments = table.rows(e + "embedders_segment_ids/embedding");
        table.add(WeightNames.SEGMENT_EMBEDDING, new long[] {d},
                part(e + "embedders_segment_ids/embedding", Layout.FIRST_ROWS, Math.max(segments, 1), d));
        flaxNorm(table, WeightNames.EMBEDDING_NORM, BERT + "layer_norm/", d);
        // The attention kernels as the file holds them: heads merged (flaxformer's default) or apart.
        boolean apart = table.rank(LAYER + "0/attention_block/attention_layer/query/kernel") == 3;
        long h = t.heads();
        long dh = t.headWidth();
        long[] headsIn = apart ? new long[] {d, h, dh} : new long[] {d, d};
        long[] headsBias = apart ? new long[] {h, dh} : new long[] {d};
        long[] headsOut = apart ? new long[] {h, dh, d} : new long[] {d, d};
        for (int i = 0; i < t.layers(); i++) {
            String b = LAYER + i + "/";
            String a = b + "attention_block/";
            String q = a + "attention_layer/";
            table.add(WeightNames.block(WeightNames.TEXT, i, WeightNames.QKV_KERNEL), new long[] {d, 3 * d},
                    part(q + "query/kernel", Layout.AS_IS, headsIn), part(q + "key/kernel", Layout.AS_IS, headsIn),
                    part(q + "value/kernel", Layout.AS_IS, headsIn));
            table.add(WeightNames.block(WeightNames.TEXT, i, WeightNames.QKV_BIAS), new long[] {3 * d},
                    part(q + "query/bias", Layout.AS_IS, headsBias), part(q + "key/bias", Layout.AS_IS, headsBias),
                    part(q + "value/bias", Layout.AS_IS, headsBias));
            table.add(WeightNames.block(WeightNames.TEXT, i, WeightNames.ATTENTION_OUT_KERNEL), new long[] {d, d},
                    part(a + "dense_layer/kernel", Layout.AS_IS, headsOut));
            table.copy(WeightNames.block(WeightNames.TEXT, i, WeightNames.ATTENTION_OUT_BIAS),
                    a + "dense_layer/bias", d);
            flaxNorm(table, WeightNames.block(WeightNames.TEXT, i, WeightNames.NORM1), a + "layer_norm/", d);
            String m = b + "mlp_block/";
            dense(table, WeightNames.block(WeightNames.TEXT, i, WeightNames.MLP_IN_KERNEL),
                    WeightNames.block(WeightNames.TEXT, i, WeightNames.MLP_IN_BIAS), m + "mlp/dense_layer/", d, f);
            dense(table, WeightNames.block(WeightNames.TEXT, i, WeightNames.MLP_OUT_KERNEL),
                    WeightNames.block(WeightNames.TEXT, i, WeightNames.MLP_OUT_BIAS), m + "dense_layer/", f, d);
            flaxNorm(table, WeightNames.block(WeightNames.TEXT, i, WeightNames.NORM2), m + "layer_norm/", d);
        }
        if (text.embeddingSize() > 0) {
            dense(table, WeightNames.TEXT_HEAD_KERNEL, WeightNames.TEXT_HEAD_BIAS, "txt/head/", d,
                    text.embeddingSize());
        }
    }

    /** A Flax {@code LayerNorm}: {@code scale} and {@code bias}. */
    private static void flaxNorm(NameTable table, String weight, String module, long width) {
        table.copy(weight + WeightNames.SCALE, module + "scale", width);
        table.copy(weight + WeightNames.SHIFT, module + "bias", width);
    }

    /** A Flax {@code Dense}: {@code kernel [in, out]}, {@code bias [out]}. */
    private static void dense(NameTable table, String kernel, String bias, String module, long in, long out) {
        table.copy(kernel, module + "kernel", in, out);
        table.copy(bias, module + "bias", out);
    }
}
