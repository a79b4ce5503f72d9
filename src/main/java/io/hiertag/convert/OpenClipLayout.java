package io.hiertag.convert;

import static io.hiertag.convert.NameTable.part;

import io.hiertag.convert.NameTable.Layout;
import io.hiertag.image.Normalization;
import io.hiertag.image.Resize;
import io.hiertag.model.ModelContract;
import io.hiertag.model.graph.Activation;
import io.hiertag.model.graph.ClipTextSpec;
import io.hiertag.model.graph.TransformerSpec;
import io.hiertag.model.graph.VitSpec;
import io.hiertag.model.graph.WeightNames;
import io.hiertag.text.ClipBpeTokenizer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * OpenCLIP's hub layout, as it publishes OpenAI's, LAION's and DataComp's ViT models: {@code open_clip_config.json}
 * ({@code model_cfg} with {@code vision_cfg} and {@code text_cfg}, {@code preprocess_cfg}) and
 * {@code open_clip_model.safetensors} with OpenAI's state-dict names. Defaults are OpenCLIP's
 * ({@code CLIPVisionCfg}, {@code CLIPTextCfg}): heads of 64 in the image tower, MLPs 4 times as wide, exact GELU
 * unless {@code quick_gelu}. OpenCLIP ships no vocabulary file; its tokenizer is CLIP's BPE, which hiertag bundles.
 */
final class OpenClipLayout {

    static final String CONFIG = "open_clip_config.json";
    static final String WEIGHTS = "open_clip_model.safetensors";
    static final String VOCABULARY = "bpe_simple_vocab_16e6.txt.gz";
    private static final double EPSILON = 1e-5; // PyTorch's LayerNorm default, which CLIP keeps
    private static final Pattern VISION_BLOCKS =
            Pattern.compile("visual\\.transformer\\.resblocks\\.(\\d+)\\.ln_1\\.weight");
    private static final Pattern TEXT_BLOCKS = Pattern.compile("transformer\\.resblocks\\.(\\d+)\\.ln_1\\.weight");

    private OpenClipLayout() {
    }

    static ImportPlan plan(Path dir) {
        JsonConfig root = JsonConfig.read(dir.resolve(CONFIG));
        root.refuseUnknown(List.of("model_cfg", "preprocess_cfg"), Map.of());
        JsonConfig model = root.object("model_cfg");
        model.refuseUnknown(List.of("embed_dim", "quick_gelu", "vision_cfg", "text_cfg", "init_logit_scale",
                "init_logit_bias", "cast_dtype"), defaults("custom_text", false, "multimodal_cfg", JsonConfig.NULL));
        int embed = model.integer("embed_dim", -1);
        if (embed < 1) {
            throw new CheckpointException(model.where("embed_dim") + " missing");
        }
        Activation act = activation(model);
        JsonConfig v = model.object("vision_cfg");
        v.refuseUnknown(List.of("image_size", "layers", "width", "patch_size", "head_width", "mlp_ratio",
                "patch_dropout"), defaults("ls_init_value", JsonConfig.NULL, "attentional_pool", false,
                "global_average_pool", false, "no_ln_pre", false, "final_ln_after_pool", false, "pool_type", "tok",
                "output_tokens", false, "pos_embed_type", "learnable", "input_patchnorm", false,
                "timm_model_name", JsonConfig.NULL, "act_kwargs", JsonConfig.NULL, "norm_kwargs", JsonConfig.NULL));
        if (v.isArray("layers")) {
            throw new CheckpointException(v.where("layers") + " is a list: a ResNet image tower, not supported");
        }
        int width = v.integer("width", 768);
        int headWidth = v.integer("head_width", 64);
        if (headWidth < 1 || width % headWidth != 0) {
            throw new CheckpointException(v.where("head_width") + " = " + headWidth + " does not divide "
                    + "vision_cfg.width " + width);
        }
        TransformerSpec vt = new TransformerSpec(width, v.integer("layers", 12), width / headWidth,
                (int) (width * v.number("mlp_ratio", 4.0)), EPSILON, act);
        VitSpec image = vit(v, vt, embed);
        JsonConfig t = model.object("text_cfg");
        t.refuseUnknown(List.of("context_length", "vocab_size", "width", "heads", "layers", "mlp_ratio"),
                defaults("ls_init_value", JsonConfig.NULL, "embed_cls", false, "pad_id", 0, "no_causal_mask", false,
                "final_ln_after_pool", false, "pool_type", "argmax", "proj_bias", false, "proj_type", "linear",
                "output_tokens", false, "hf_model_name", JsonConfig.NULL, "hf_tokenizer_name", JsonConfig.NULL,
                "tokenizer_kwargs", JsonConfig.NULL, "act_kwargs", JsonConfig.NULL, "norm_kwargs", JsonConfig.NULL));
        int textWidth = t.integer("width", 512);
        TransformerSpec tt = new TransformerSpec(textWidth, t.integer("layers", 12), t.integer("heads", 8),
                (int) (textWidth * t.number("mlp_ratio", 4.0)), EPSILON, act);
        ClipTextSpec text = new ClipTextSpec(t.integer("vocab_size", 49408), t.integer("context_length", 77), tt,
                embed);
        requireClipVocabulary(t.where("vocab_size"), text.vocabularySize());

        NameTable table = ClipStateDict.openVerified(dir.resolve(WEIGHTS), CONFIG, tb -> {
            imageTable(tb, image);
            textTable(tb, text);
        }, Pattern.compile("logit_scale|logit_bias"),
                new ClipStateDict.Blocks(VISION_BLOCKS, vt.layers(), "vision_cfg.layers"),
                new ClipStateDict.Blocks(TEXT_BLOCKS, tt.layers(), "text_cfg.layers"));
        return new ImportPlan("OpenCLIP", image, text, table, table.file(), imageSpec(root, image.imageSize()),
                ModelContract.TextSpec.standard(ModelContract.TokenizerType.CLIP_BPE, VOCABULARY,
                        text.contextLength(), true),
                ClipBpeTokenizer::writeBundled);
    }

    /** {@code quick_gelu}: OpenAI's {@code x · sigmoid(1.702 x)} when true, PyTorch's exact GELU when false. */
    private static Activation activation(JsonConfig model) {
        if (model.has("quick_gelu") && !model.isBoolean("quick_gelu")) {
            throw new CheckpointException(model.where("quick_gelu") + " = " + model.raw("quick_gelu")
                    + ": unknown activation (true is quick_gelu, false or absent the exact GELU)");
        }
        return model.bool("quick_gelu", false) ? Activation.QUICK_GELU : Activation.GELU;
    }

    private static VitSpec vit(JsonConfig v, TransformerSpec vt, int embed) {
        int size = v.side("image_size", 224);
        int patch = v.side("patch_size", 16);
        if (patch < 1 || size % patch != 0) {
            throw new CheckpointException(v.where("image_size") + " = " + size + " does not divide into patches of "
                    + patch);
        }
        return new VitSpec(size, patch, vt, false, true, embed, false);
    }

    /** OpenCLIP's {@code preprocess_cfg}, with OpenAI's values where it has none. */
    private static ModelContract.ImageSpec imageSpec(JsonConfig root, int size) {
        if (!root.has("preprocess_cfg")) {
            return ModelContract.ImageSpec.standard(size, Resize.PIL_BICUBIC, true, Normalization.CLIP);
        }
        JsonConfig p = root.object("preprocess_cfg");
        p.refuseUnknown(List.of("mean", "std", "interpolation", "resize_mode", "size", "mode", "fill_color"),
                Map.of());
        int pixels = p.side("size", size);
        if (pixels != size) {
            throw new CheckpointException(p.where("size") + " = " + pixels + " differs from vision_cfg.image_size "
                    + size);
        }
        if (!p.text("mode", "RGB").equals("RGB")) {
            throw new CheckpointException(p.where("mode") + " = " + p.text("mode", null) + "; only RGB is supported");
        }
        Resize resize = switch (p.text("interpolation", "bicubic")) {
            case "bicubic" -> Resize.PIL_BICUBIC;
            case "bilinear" -> Resize.PIL_BILINEAR;
            default -> throw new CheckpointException(p.where("interpolation") + " = "
                    + p.text("interpolation", null) + "; hiertag reproduces bicubic and bilinear");
        };
        boolean crop = switch (p.text("resize_mode", "shortest")) {
            case "shortest" -> true;
            case "squash" -> false;
            default -> throw new CheckpointException(p.where("resize_mode") + " = " + p.text("resize_mode", null)
                    + "; hiertag reproduces shortest (resize and centre crop) and squash");
        };
        return ModelContract.ImageSpec.standard(size, resize, crop, new Normalization.MeanStd(
                p.triple("mean", Normalization.CLIP.mean()), p.triple("std", Normalization.CLIP.std())));
    }

    static void requireClipVocabulary(String field, int vocabularySize) {
        if (vocabularySize != ClipBpeTokenizer.VOCABULARY_SIZE) {
            throw new CheckpointException(field + " = " + vocabularySize + ", but CLIP's BPE tokenizer has "
                    + ClipBpeTokenizer.VOCABULARY_SIZE + " ids");
        }
    }

    private static void imageTable(NameTable table, VitSpec image) {
        long d = image.transformer().width();
        long p = image.patchSize();
        table.add(WeightNames.PATCH_KERNEL, new long[] {p, p, 3, d},
                part("visual.conv1.weight", Layout.OIHW, d, 3, p, p));
        table.copy(WeightNames.CLASS_TOKEN, "visual.class_embedding", d);
        table.copy(WeightNames.IMAGE_POSITIONS, "visual.positional_embedding", image.tokens(), d);
        ClipStateDict.norm(table, WeightNames.PRE_NORM, "visual.ln_pre", d);
        ClipStateDict.openAiBlocks(table, WeightNames.IMAGE, "visual.transformer.resblocks.", image.transformer());
        ClipStateDict.norm(table, WeightNames.IMAGE_FINAL_NORM, "visual.ln_post", d);
        table.copy(WeightNames.IMAGE_HEAD_KERNEL, "visual.proj", d, image.embeddingSize());
    }

    private static void textTable(NameTable table, ClipTextSpec text) {
        long d = text.transformer().width();
        table.copy(WeightNames.TOKEN_EMBEDDING, "token_embedding.weight", text.vocabularySize(), d);
        table.copy(WeightNames.TEXT_POSITIONS, "positional_embedding", text.contextLength(), d);
        ClipStateDict.openAiBlocks(table, WeightNames.TEXT, "transformer.resblocks.", text.transformer());
        ClipStateDict.norm(table, WeightNames.TEXT_FINAL_NORM, "ln_final", d);
        table.copy(WeightNames.TEXT_HEAD_KERNEL, "text_projection", d, text.embeddingSize());
    }

    /** Pairs of option and default, for {@link JsonConfig#refuseUnknown}. */
    static Map<String, Object> defaults(Object... pairs) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
