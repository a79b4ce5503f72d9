package io.hiertag.convert;

import static io.hiertag.convert.NameTable.part;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hugging Face transformers' {@code CLIPModel}, as {@code openai/clip-vit-base-patch16} ships it:
 * {@code config.json} ({@code text_config}, {@code vision_config}, {@code projection_dim}; missing fields take
 * transformers' defaults), {@code model.safetensors}, the tokenizer's {@code vocab.json} and {@code merges.txt}
 * (checked to agree with each other), and {@code preprocessor_config.json} for the image preprocessing.
 */
final class HfClipLayout {

    static final String CONFIG = "config.json";
    static final String WEIGHTS = "model.safetensors";
    static final String VOCAB = "vocab.json";
    static final String MERGES = "merges.txt";
    static final String PREPROCESSOR = "preprocessor_config.json";
    private static final Pattern VISION_BLOCKS =
            Pattern.compile("vision_model\\.encoder\\.layers\\.(\\d+)\\.layer_norm1\\.weight");
    private static final Pattern TEXT_BLOCKS =
            Pattern.compile("text_model\\.encoder\\.layers\\.(\\d+)\\.layer_norm1\\.weight");

    private HfClipLayout() {
    }

    static ImportPlan plan(Path dir) {
        JsonConfig config = JsonConfig.read(dir.resolve(CONFIG));
        if (config.isArray("architectures") && !config.raw("architectures").contains("\"CLIPModel\"")) {
            throw new CheckpointException(config.where("architectures") + " = " + config.raw("architectures")
                    + ": unknown architecture; only Hugging Face CLIPModel checkpoints are supported");
        }
        String type = config.text("model_type", "clip");
        if (!type.equals("clip")) {
            throw new CheckpointException(config.where("model_type") + " = " + type
                    + ": unknown architecture; only Hugging Face CLIPModel checkpoints (clip) are supported");
        }
        int embed = config.integer("projection_dim", 512);
        // As CLIPConfig does: an older upload's *_config_dict, filled with the defaults, overrides *_config.
        JsonConfig v = config.object(config.has("vision_config_dict") ? "vision_config_dict" : "vision_config");
        JsonConfig t = config.object(config.has("text_config_dict") ? "text_config_dict" : "text_config");
        // transformers' CLIPVisionConfig and CLIPTextConfig defaults.
        TransformerSpec vt = new TransformerSpec(v.integer("hidden_size", 768), v.integer("num_hidden_layers", 12),
                v.integer("num_attention_heads", 12), v.integer("intermediate_size", 3072),
                v.number("layer_norm_eps", 1e-5), activation(v));
        int size = v.integer("image_size", 224);
        int patch = v.integer("patch_size", 32);
        if (patch < 1 || size % patch != 0) {
            throw new CheckpointException(v.where("image_size") + " = " + size + " does not divide into patches of "
                    + patch);
        }
        VitSpec image = new VitSpec(size, patch, vt, false, true, embed, false);
        TransformerSpec tt = new TransformerSpec(t.integer("hidden_size", 512), t.integer("num_hidden_layers", 12),
                t.integer("num_attention_heads", 8), t.integer("intermediate_size", 2048),
                t.number("layer_norm_eps", 1e-5), activation(t));
        ClipTextSpec text = new ClipTextSpec(t.integer("vocab_size", 49408),
                t.integer("max_position_embeddings", 77), tt, embed);
        OpenClipLayout.requireClipVocabulary(t.where("vocab_size"), text.vocabularySize());
        Path merges = requireTokenizerFile(dir, MERGES);
        requireAgreeingVocabulary(requireTokenizerFile(dir, VOCAB), merges);
        ModelContract.ImageSpec imageSpec = imageSpec(JsonConfig.read(dir.resolve(PREPROCESSOR)), size);

        NameTable table = ClipStateDict.openVerified(dir.resolve(WEIGHTS), CONFIG, tb -> {
            imageTable(tb, image);
            textTable(tb, text);
        }, Pattern.compile("logit_scale|logit_bias|.*\\.position_ids"),
                new ClipStateDict.Blocks(VISION_BLOCKS, vt.layers(), "vision_config.num_hidden_layers"),
                new ClipStateDict.Blocks(TEXT_BLOCKS, tt.layers(), "text_config.num_hidden_layers"));
        return new ImportPlan("Hugging Face CLIP", image, text, table, table.file(), imageSpec,
                ModelContract.TextSpec.standard(ModelContract.TokenizerType.CLIP_BPE, MERGES, text.contextLength(),
                        true),
                target -> Files.copy(merges, target, StandardCopyOption.COPY_ATTRIBUTES));
    }

    private static Activation activation(JsonConfig tower) {
        String name = tower.text("hidden_act", "quick_gelu");
        return switch (name) {
            case "quick_gelu" -> Activation.QUICK_GELU;
            case "gelu" -> Activation.GELU;
            case "gelu_new", "gelu_pytorch_tanh" -> Activation.GELU_TANH;
            default -> throw new CheckpointException(tower.where("hidden_act") + " = " + name
                    + ": unknown activation (hiertag builds quick_gelu, gelu, gelu_new and gelu_pytorch_tanh)");
        };
    }

    static Path requireTokenizerFile(Path dir, String name) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": tokenizer file missing");
        }
        return file;
    }

    /** vocab.json must give every token the id CLIP's BPE derives from merges.txt, and nothing more. */
    private static void requireAgreeingVocabulary(Path vocab, Path merges) {
        ClipBpeTokenizer bpe;
        try {
            bpe = ClipBpeTokenizer.load(merges, 2);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(merges + ": not CLIP's BPE merges: " + e.getMessage());
        }
        Map<String, Integer> ids;
        try {
            ids = new ObjectMapper().readValue(vocab.toFile(), new TypeReference<Map<String, Integer>>() {});
        } catch (JacksonException e) {
            throw new CheckpointException(vocab + ": not a JSON map of tokens to ids: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + vocab, e);
        }
        if (ids.size() != bpe.vocabularySize()) {
            throw new CheckpointException(vocab + " has " + ids.size() + " tokens, " + merges.getFileName()
                    + " makes " + bpe.vocabularySize());
        }
        for (int id = 0; id < bpe.vocabularySize(); id++) {
            Integer found = ids.get(bpe.token(id));
            if (found == null || found != id) {
                throw new CheckpointException(vocab + " and " + merges.getFileName() + " disagree: token '"
                        + bpe.token(id) + "' is id " + id + " by the merges, " + found + " in " + vocab.getFileName());
            }
        }
    }

    /**
     * {@code CLIPImageProcessor}'s settings: resize the shorter side, centre crop, rescale and normalise. The crop
     * is torchvision's (rounded offsets); Hugging Face floors them, one pixel apart when the excess is 3 modulo 4.
     */
    private static ModelContract.ImageSpec imageSpec(JsonConfig p, int size) {
        int crop = squareSize(p, "crop_size", "height", size);
        int shortest = squareSize(p, "size", "shortest_edge", size);
        if (crop != size || shortest != size) {
            throw new CheckpointException(p.where("size") + " (" + shortest + ") and crop_size (" + crop
                    + ") must both equal vision_config.image_size (" + size + ")");
        }
        if (!p.bool("do_resize", true) || !p.bool("do_normalize", true) || !p.bool("do_rescale", true)
                || Math.abs(p.number("rescale_factor", 1 / 255.0) - 1 / 255.0) > 1e-12) {
            throw new CheckpointException(p.file() + ": only resize, rescale by 1/255 and normalise are supported");
        }
        Resize resize = switch (p.integer("resample", 3)) {
            case 3 -> Resize.PIL_BICUBIC;
            case 2 -> Resize.PIL_BILINEAR;
            default -> throw new CheckpointException(p.where("resample") + " = " + p.integer("resample", 3)
                    + "; hiertag reproduces PIL bicubic (3) and bilinear (2)");
        };
        return ModelContract.ImageSpec.standard(size, resize, p.bool("do_center_crop", true),
                new Normalization.MeanStd(p.triple("image_mean", Normalization.CLIP.mean()),
                        p.triple("image_std", Normalization.CLIP.std())));
    }

    /** A size as a number or an object: {@code {"height": 224, "width": 224}}, {@code {"shortest_edge": 224}}. */
    private static int squareSize(JsonConfig p, String key, String inner, int fallback) {
        if (!p.has(key)) {
            return fallback;
        }
        if (p.isObject(key)) {
            JsonConfig o = p.object(key);
            int value = o.integer(inner, -1);
            if (o.has("width") && o.integer("width", -1) != value) {
                throw new CheckpointException(p.where(key) + " is not square");
            }
            return value;
        }
        return p.integer(key, fallback);
    }

    private static void imageTable(NameTable table, VitSpec image) {
        long d = image.transformer().width();
        long p = image.patchSize();
        String e = "vision_model.embeddings.";
        table.add(WeightNames.PATCH_KERNEL, new long[] {p, p, 3, d},
                part(e + "patch_embedding.weight", Layout.OIHW, d, 3, p, p));
        table.copy(WeightNames.CLASS_TOKEN, e + "class_embedding", d);
        table.copy(WeightNames.IMAGE_POSITIONS, e + "position_embedding.weight", image.tokens(), d);
        ClipStateDict.norm(table, WeightNames.PRE_NORM, "vision_model.pre_layrnorm", d);
        ClipStateDict.hfBlocks(table, WeightNames.IMAGE, "vision_model.encoder.layers.", image.transformer());
        ClipStateDict.norm(table, WeightNames.IMAGE_FINAL_NORM, "vision_model.post_layernorm", d);
        table.add(WeightNames.IMAGE_HEAD_KERNEL, new long[] {d, image.embeddingSize()},
                part("visual_projection.weight", Layout.TRANSPOSED, image.embeddingSize(), d));
    }

    private static void textTable(NameTable table, ClipTextSpec text) {
        long d = text.transformer().width();
        String e = "text_model.embeddings.";
        table.copy(WeightNames.TOKEN_EMBEDDING, e + "token_embedding.weight", text.vocabularySize(), d);
        table.copy(WeightNames.TEXT_POSITIONS, e + "position_embedding.weight", text.contextLength(), d);
        ClipStateDict.hfBlocks(table, WeightNames.TEXT, "text_model.encoder.layers.", text.transformer());
        ClipStateDict.norm(table, WeightNames.TEXT_FINAL_NORM, "text_model.final_layer_norm", d);
        table.add(WeightNames.TEXT_HEAD_KERNEL, new long[] {d, text.embeddingSize()},
                part("text_projection.weight", Layout.TRANSPOSED, text.embeddingSize(), d));
    }
}
