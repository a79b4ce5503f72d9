package io.hiertag.model.graph;

/**
 * The canonical names of the towers' weights: the SavedModel's variable names, and the names a
 * {@link WeightSource} is asked for. Each comment gives the shape and layout the graph expects: kernels are
 * {@code [in, out]}, so a layer computes {@code x · kernel + bias}; D is the tower's width, F its MLP width, E the
 * output size, p the patch side, T the image tokens, L the text context, V the vocabulary.
 */
public final class WeightNames {

    /** Prefix of every image-tower weight. */
    public static final String IMAGE = "image/";
    /** Prefix of every text-tower weight. */
    public static final String TEXT = "text/";

    /** Suffix of a layer norm's scale {@code [D]}. */
    public static final String SCALE = "/scale";
    /** Suffix of a layer norm's bias {@code [D]}. */
    public static final String SHIFT = "/bias";

    /** {@code [p, p, 3, D]}, TensorFlow's HWIO convolution kernel. */
    public static final String PATCH_KERNEL = IMAGE + "patch_kernel";
    /** {@code [D]}. */
    public static final String PATCH_BIAS = IMAGE + "patch_bias";
    /** {@code [D]}. */
    public static final String CLASS_TOKEN = IMAGE + "class_token";
    /** {@code [T, D]}, the class token's row first. */
    public static final String IMAGE_POSITIONS = IMAGE + "position_embedding";
    /** A layer norm (CLIP's {@code ln_pre}). */
    public static final String PRE_NORM = IMAGE + "pre_norm";
    /** The layer norm on the class token's output (CLIP's {@code ln_post}, vit_jax's {@code encoder_norm}). */
    public static final String IMAGE_FINAL_NORM = IMAGE + "final_norm";
    /** {@code [D, E]}. */
    public static final String IMAGE_HEAD_KERNEL = IMAGE + "head_kernel";
    /** {@code [E]}. */
    public static final String IMAGE_HEAD_BIAS = IMAGE + "head_bias";

    /** {@code [V, D]}. */
    public static final String TOKEN_EMBEDDING = TEXT + "token_embedding";
    /** {@code [L, D]}. */
    public static final String TEXT_POSITIONS = TEXT + "position_embedding";
    /** {@code [D]}: BERT's segment (token type) 0 row. */
    public static final String SEGMENT_EMBEDDING = TEXT + "segment_embedding";
    /** A layer norm: BERT's on the summed embeddings. */
    public static final String EMBEDDING_NORM = TEXT + "embedding_norm";
    /** A layer norm: CLIP's {@code ln_final}. */
    public static final String TEXT_FINAL_NORM = TEXT + "final_norm";
    /** {@code [D, E]}. */
    public static final String TEXT_HEAD_KERNEL = TEXT + "head_kernel";
    /** {@code [E]}. */
    public static final String TEXT_HEAD_BIAS = TEXT + "head_bias";

    /** Within a block: the first layer norm (before attention, or after it in BERT's post-norm blocks). */
    public static final String NORM1 = "norm1";
    /** Within a block: {@code [D, 3D]}, the query, key and value kernels side by side, heads in order in each. */
    public static final String QKV_KERNEL = "attention/qkv_kernel";
    /** Within a block: {@code [3D]}. */
    public static final String QKV_BIAS = "attention/qkv_bias";
    /** Within a block: {@code [D, D]}, the heads' concatenated outputs to the residual stream. */
    public static final String ATTENTION_OUT_KERNEL = "attention/out_kernel";
    /** Within a block: {@code [D]}. */
    public static final String ATTENTION_OUT_BIAS = "attention/out_bias";
    /** Within a block: the second layer norm. */
    public static final String NORM2 = "norm2";
    /** Within a block: {@code [D, F]}. */
    public static final String MLP_IN_KERNEL = "mlp/in_kernel";
    /** Within a block: {@code [F]}. */
    public static final String MLP_IN_BIAS = "mlp/in_bias";
    /** Within a block: {@code [F, D]}. */
    public static final String MLP_OUT_KERNEL = "mlp/out_kernel";
    /** Within a block: {@code [D]}. */
    public static final String MLP_OUT_BIAS = "mlp/out_bias";

    private WeightNames() {
    }

    /**
     * @param tower {@link #IMAGE} or {@link #TEXT}
     * @param layer the block, from 0
     * @param weight a within-block name such as {@link #QKV_KERNEL}, or a norm's name plus {@link #SCALE}
     * @return the weight's full name, e.g. {@code image/block_3/attention/qkv_kernel}
     */
    public static String block(String tower, int layer, String weight) {
        return tower + "block_" + layer + "/" + weight;
    }
}
