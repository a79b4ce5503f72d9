package io.hiertag.model.graph;

/**
 * Where a tower's weights come from: a checkpoint through its name table, or a seeded generator. Asked once per
 * weight by its {@link WeightNames canonical name} and shape; every weight is checked before any is read.
 */
public interface WeightSource {

    /**
     * Makes sure {@link #read} will give the weight, without reading it.
     *
     * @param name the canonical name
     * @param shape the shape the graph needs
     * @throws RuntimeException naming the weight when it cannot be had
     */
    void check(String name, long[] shape);

    /**
     * @param name the canonical name
     * @param shape the shape the graph needs
     * @return its values, row-major in that shape
     */
    float[] read(String name, long[] shape);
}
