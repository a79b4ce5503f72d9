package io.hiertag.model.graph;

/**
 * The shape of one transformer stack.
 *
 * @param width the residual stream's width (the tokens' embedding size)
 * @param layers the number of blocks
 * @param heads attention heads per block; {@code width} must divide by it
 * @param mlpWidth the MLP's hidden width
 * @param layerNormEpsilon the epsilon of every layer norm in the tower (PyTorch 1e-5, Flax 1e-6, BERT 1e-12)
 * @param activation the MLP's activation
 */
public record TransformerSpec(int width, int layers, int heads, int mlpWidth, double layerNormEpsilon,
        Activation activation) {

    public TransformerSpec {
        if (width < 1 || layers < 0 || heads < 1 || mlpWidth < 1 || !(layerNormEpsilon > 0)) {
            throw new IllegalArgumentException("Bad transformer shape: " + width + " wide, " + layers + " layers, "
                    + heads + " heads, MLP " + mlpWidth + ", epsilon " + layerNormEpsilon);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " does not divide into " + heads + " heads");
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation missing");
        }
    }

    /** @return the width of one attention head */
    public int headWidth() {
        return width / heads;
    }

    /** Floating-point operations (a multiply-add counts 2) of the stack on one sequence of {@code tokens}. */
    public long flops(int tokens) {
        long dense = 2L * tokens * width * (4L * width + 2L * mlpWidth);
        long attention = 2L * 2 * tokens * (long) tokens * width;
        return layers * (dense + attention);
    }
}
