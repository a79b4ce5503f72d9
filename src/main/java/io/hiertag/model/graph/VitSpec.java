package io.hiertag.model.graph;

/**
 * A Vision Transformer image tower: square patches embedded by a strided convolution, a class token, learned
 * position embeddings, pre-norm blocks, a layer norm on the class token's output and an optional linear head.
 * OpenAI CLIP's tower has no patch bias, a layer norm before the blocks ({@code ln_pre}) and a head without bias
 * ({@code proj}); vit_jax's has a patch bias, no norm before the blocks and a head with bias, or none at all.
 *
 * @param imageSize the square input side in pixels; divides by {@code patchSize}
 * @param patchSize the square patch side in pixels
 * @param transformer the blocks
 * @param patchBias whether the patch embedding has a bias
 * @param preNorm whether a layer norm follows the position embeddings (CLIP's {@code ln_pre})
 * @param embeddingSize the head's output size, or 0 for no head (the class token's width is the output)
 * @param headBias whether the head has a bias
 */
public record VitSpec(int imageSize, int patchSize, TransformerSpec transformer, boolean patchBias, boolean preNorm,
        int embeddingSize, boolean headBias) {

    public VitSpec {
        if (patchSize < 1 || imageSize < patchSize || imageSize % patchSize != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " does not divide into patches of "
                    + patchSize);
        }
        if (embeddingSize < 0 || (embeddingSize == 0 && headBias)) {
            throw new IllegalArgumentException("Bad head: " + embeddingSize + (headBias ? " with bias" : ""));
        }
    }

    /** @return patches per side */
    public int grid() {
        return imageSize / patchSize;
    }

    /** @return the sequence length: every patch and the class token */
    public int tokens() {
        return grid() * grid() + 1;
    }

    /** @return the tower's output size */
    public int outputSize() {
        return embeddingSize > 0 ? embeddingSize : transformer.width();
    }

    /** Floating-point operations of one image: the patch embedding, the blocks and the head. */
    public long flops() {
        long patches = (long) grid() * grid();
        long embed = 2L * patches * patchSize * patchSize * 3 * transformer.width();
        return embed + transformer.flops(tokens()) + 2L * transformer.width() * embeddingSize;
    }
}
