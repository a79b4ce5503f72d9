package io.hiertag.convert;

import static io.hiertag.convert.NameTable.part;

import io.hiertag.convert.NameTable.Layout;
import io.hiertag.model.graph.TransformerSpec;
import io.hiertag.model.graph.WeightNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The name tables of a PyTorch CLIP's transformer blocks, in the two spellings published checkpoints use:
 * OpenAI's state dict ({@code resblocks.N.attn.in_proj_weight}, as OpenCLIP keeps it) and Hugging Face
 * transformers' ({@code layers.N.self_attn.q_proj.weight}). PyTorch's {@code Linear} weights are
 * {@code [out, in]}, hence the transpositions.
 */
final class ClipStateDict {

    /**
     * A block count to check: tensors matching {@code pattern} (its group the block's number) must number
     * {@code expected}, as the config's {@code field} says.
     */
    record Blocks(Pattern pattern, int expected, String field) {}

    private ClipStateDict() {
    }

    /**
     * Opens a CLIP's safetensors file and its name table, verified: every tensor the rules name, no tensor they
     * leave unused but the {@code ignored} ones, and the block counts.
     *
     * @param rules adds the layout's rules to the table
     * @throws CheckpointException when the file is missing or contradicts the table; the file is closed then
     */
    static NameTable openVerified(Path weights, String config, Consumer<NameTable> rules, Pattern ignored,
            Blocks... blocks) {
        if (!Files.isRegularFile(weights)) {
            throw new CheckpointException(weights + ": file missing (the model's weights as safetensors)");
        }
        TensorFile file = SafetensorsFile.open(weights);
        try {
            NameTable table = new NameTable(file, config);
            rules.accept(table);
            table.verify();
            table.refuseUnused(ignored);
            for (Blocks b : blocks) {
                table.requireBlocks(b.pattern(), b.expected(), b.field());
            }
            return table;
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** OpenAI's blocks under a prefix such as {@code visual.transformer.resblocks.}. */
    static void openAiBlocks(NameTable table, String tower, String prefix, TransformerSpec t) {
        blocks(table, tower, prefix, t, OPENAI);
    }

    /** Hugging Face's blocks under a prefix such as {@code vision_model.encoder.layers.}. */
    static void hfBlocks(NameTable table, String tower, String prefix, TransformerSpec t) {
        blocks(table, tower, prefix, t, HUGGING_FACE);
    }

    /** Adds a block's fused query, key and value kernel and bias from the checkpoint's tensors. */
    private interface QkvRule {
        void add(NameTable table, String tower, int layer, String block, long width);
    }

    /** One spelling of a block's modules, relative to the block's prefix; the two differ only in their names. */
    private record Spelling(String norm1, QkvRule qkv, String attentionOut, String norm2, String mlpIn,
            String mlpOut) {}

    // OpenAI fuses the three projections into one in_proj, stored [3·out, in].
    private static final Spelling OPENAI = new Spelling("ln_1", (table, tower, i, b, d) -> {
        table.add(WeightNames.block(tower, i, WeightNames.QKV_KERNEL), new long[] {d, 3 * d},
                part(b + "attn.in_proj_weight", Layout.TRANSPOSED, 3 * d, d));
        table.copy(WeightNames.block(tower, i, WeightNames.QKV_BIAS), b + "attn.in_proj_bias", 3 * d);
    }, "attn.out_proj", "ln_2", "mlp.c_fc", "mlp.c_proj");

    // Hugging Face keeps q, k and v apart; they are concatenated in that order.
    private static final Spelling HUGGING_FACE = new Spelling("layer_norm1", (table, tower, i, b, d) -> {
        table.add(WeightNames.block(tower, i, WeightNames.QKV_KERNEL), new long[] {d, 3 * d},
                part(b + "self_attn.q_proj.weight", Layout.TRANSPOSED, d, d),
                part(b + "self_attn.k_proj.weight", Layout.TRANSPOSED, d, d),
                part(b + "self_attn.v_proj.weight", Layout.TRANSPOSED, d, d));
        table.add(WeightNames.block(tower, i, WeightNames.QKV_BIAS), new long[] {3 * d},
                part(b + "self_attn.q_proj.bias", Layout.AS_IS, d),
                part(b + "self_attn.k_proj.bias", Layout.AS_IS, d),
                part(b + "self_attn.v_proj.bias", Layout.AS_IS, d));
    }, "self_attn.out_proj", "layer_norm2", "mlp.fc1", "mlp.fc2");

    private static void blocks(NameTable table, String tower, String prefix, TransformerSpec t, Spelling names) {
        long d = t.width();
        long f = t.mlpWidth();
        for (int i = 0; i < t.layers(); i++) {
            String b = prefix + i + ".";
            norm(table, WeightNames.block(tower, i, WeightNames.NORM1), b + names.norm1(), d);
            names.qkv().add(table, tower, i, b, d);
            linear(table, tower, i, WeightNames.ATTENTION_OUT_KERNEL, WeightNames.ATTENTION_OUT_BIAS,
                    b + names.attentionOut(), d, d);
            norm(table, WeightNames.block(tower, i, WeightNames.NORM2), b + names.norm2(), d);
            linear(table, tower, i, WeightNames.MLP_IN_KERNEL, WeightNames.MLP_IN_BIAS, b + names.mlpIn(), d, f);
            linear(table, tower, i, WeightNames.MLP_OUT_KERNEL, WeightNames.MLP_OUT_BIAS, b + names.mlpOut(), f, d);
        }
    }

    /** A PyTorch {@code LayerNorm}: {@code weight} and {@code bias}. */
    static void norm(NameTable table, String weight, String module, long width) {
        table.copy(weight + WeightNames.SCALE, module + ".weight", width);
        table.copy(weight + WeightNames.SHIFT, module + ".bias", width);
    }

    /** A PyTorch {@code Linear} with bias: {@code weight [out, in]}, {@code bias [out]}. */
    private static void linear(NameTable table, String tower, int layer, String kernel, String bias, String module,
            long in, long out) {
        table.add(WeightNames.block(tower, layer, kernel), new long[] {in, out},
                part(module + ".weight", Layout.TRANSPOSED, out, in));
        table.copy(WeightNames.block(tower, layer, bias), module + ".bias", out);
    }
}
