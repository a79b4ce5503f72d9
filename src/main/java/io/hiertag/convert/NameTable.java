package io.hiertag.convert;

import io.hiertag.model.graph.WeightSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A checkpoint layout as data: for every graph weight, the checkpoint tensors it is made of, the shape each must
 * have by the config, and how it is laid out. {@link #verify()} checks every tensor's presence, type and shape
 * before anything is built; the table then serves the graph builders as their {@link WeightSource}.
 */
final class NameTable implements WeightSource {

    /** How a checkpoint tensor's values are laid out relative to the graph's. */
    enum Layout {
        /** The same row-major values, any shape of the same size ({@code [1, 1, D]} to {@code [D]}). */
        AS_IS,
        /** A {@code [out, in]} matrix (PyTorch's {@code Linear}) for an {@code [in, out]} kernel. */
        TRANSPOSED,
        /** PyTorch's {@code [out, in, h, w]} convolution kernel for TensorFlow's {@code [h, w, in, out]}. */
        OIHW,
        /** The first rows of a larger table (BERT's 512 positions for 16 tokens, its segment-0 row). */
        FIRST_ROWS
    }

    /**
     * One checkpoint tensor of a weight.
     *
     * @param shape the shape the config implies
     */
    record Part(String tensor, long[] shape, Layout layout) {}

    /**
     * One graph weight: its parts, side by side along the last axis when there are several (query, key and value
     * kernels into one).
     */
    private record Rule(long[] shape, List<Part> parts) {}

    private final TensorFile file;
    private final String config;
    private final Map<String, Rule> rules = new LinkedHashMap<>();

    /**
     * @param config what the expected shapes come from, named in errors ({@code open_clip_config.json}, or the
     *     tensor shapes themselves for a checkpoint without a config)
     */
    NameTable(TensorFile file, String config) {
        this.file = file;
        this.config = config;
    }

    /** @return the tensor file the table reads */
    TensorFile file() {
        return file;
    }

    static Part part(String tensor, Layout layout, long... shape) {
        return new Part(tensor, shape, layout);
    }

    /** Adds a graph weight of the given shape made of the parts. */
    NameTable add(String weight, long[] shape, Part... parts) {
        if (rules.put(weight, new Rule(shape.clone(), List.of(parts))) != null) {
            throw new IllegalStateException("Two rules for " + weight);
        }
        return this;
    }

    /** A graph weight taken from one tensor of its own shape (or one of the same size, {@link Layout#AS_IS}). */
    NameTable copy(String weight, String tensor, long... shape) {
        return add(weight, shape, part(tensor, Layout.AS_IS, shape));
    }

    /** @return the first dimension of a tensor of the file, or 0 when there is no such tensor */
    long rows(String tensor) {
        TensorInfo info = file.tensors().get(tensor);
        return info == null || info.shape().isEmpty() ? 0 : info.shape().get(0);
    }

    /** @return the number of dimensions of a tensor of the file, or 0 when there is no such tensor */
    int rank(String tensor) {
        TensorInfo info = file.tensors().get(tensor);
        return info == null ? 0 : info.shape().size();
    }

    /**
     * Checks every tensor the table names: present, floating-point, and of the shape the config implies.
     *
     * @throws CheckpointException naming the first tensor that is not
     */
    void verify() {
        for (Map.Entry<String, Rule> rule : rules.entrySet()) {
            for (Part p : rule.getValue().parts()) {
                TensorInfo info = file.tensors().get(p.tensor());
                if (info == null) {
                    throw new CheckpointException(file.path() + ": missing tensor '" + p.tensor() + "' (for the "
                            + "graph's " + rule.getKey() + ")");
                }
                if (info.type() == null) {
                    throw new CheckpointException(file.path() + ": tensor '" + p.tensor() + "' is " + info.dtype()
                            + ", not a floating-point type");
                }
                List<Long> expected = Arrays.stream(p.shape()).boxed().toList();
                if (!info.shape().equals(expected)) {
                    throw new CheckpointException(file.path() + ": tensor '" + p.tensor() + "' contradicts "
                            + config + ": expected shape " + expected + ", found " + info.shape());
                }
            }
        }
    }

    /**
     * Refuses a checkpoint with tensors the table does not use: they belong to an architecture the builders do not
     * reproduce (a ResNet stem, layer scales, an attention pool), which must not be imported as a plain one.
     *
     * @param ignored tensors that mean nothing for the embeddings (a logit scale, position-id buffers)
     */
    void refuseUnused(Pattern ignored) {
        TreeSet<String> used = new TreeSet<>();
        rules.values().forEach(r -> r.parts().forEach(p -> used.add(p.tensor())));
        List<String> unused = file.tensors().keySet().stream()
                .filter(n -> !used.contains(n) && !ignored.matcher(n).matches()).sorted().toList();
        if (!unused.isEmpty()) {
            throw new CheckpointException(file.path() + ": unknown architecture: tensor '" + unused.get(0) + "'"
                    + (unused.size() > 1 ? " and " + (unused.size() - 1) + " more" : "") + " would go unused; "
                    + "hiertag builds plain ViT, CLIP text and BERT towers only");
        }
    }

    /**
     * Checks that the checkpoint has as many numbered blocks as the config says, so that a config naming fewer
     * layers than the file holds does not quietly drop some.
     *
     * @param pattern matches a tensor name, its first group the block's number
     * @param field the config field the count comes from, named in the error
     */
    void requireBlocks(Pattern pattern, int expected, String field) {
        TreeSet<Integer> found = new TreeSet<>();
        for (String name : file.tensors().keySet()) {
            Matcher m = pattern.matcher(name);
            if (m.matches()) {
                found.add(Integer.parseInt(m.group(1)));
            }
        }
        if (found.size() != expected) {
            throw new CheckpointException(file.path() + ": " + config + " gives " + field + " = " + expected
                    + ", but the checkpoint has " + found.size() + " blocks (tensors like '" + pattern.pattern()
                    + "')");
        }
    }

    @Override
    public void check(String name, long[] shape) {
        Rule rule = rules.get(name);
        if (rule == null || !Arrays.equals(rule.shape(), shape)) {
            throw new IllegalStateException("The " + config + " table has no rule for " + name + " "
                    + Arrays.toString(shape) + (rule == null ? "" : "; it has " + Arrays.toString(rule.shape())));
        }
    }

    @Override
    public float[] read(String name, long[] shape) {
        check(name, shape);
        Rule rule = rules.get(name);
        List<float[]> parts = new ArrayList<>();
        for (Part p : rule.parts()) {
            parts.add(arrange(file.read(p.tensor()), p, rule.shape()));
        }
        return parts.size() == 1 ? parts.get(0) : sideBySide(parts, shape);
    }

    /** The part's values in the graph's layout (the rule's shape, or its share of the last axis). */
    private static float[] arrange(float[] values, Part p, long[] target) {
        long[] s = p.shape();
        return switch (p.layout()) {
            case AS_IS -> values;
            case TRANSPOSED -> transpose(values, (int) s[0], (int) s[1]);
            case OIHW -> oihwToHwio(values, (int) s[0], (int) s[1], (int) s[2], (int) s[3]);
            case FIRST_ROWS -> Arrays.copyOf(values, (int) Arrays.stream(target).reduce(1, (a, b) -> a * b));
        };
    }

    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    private static float[] oihwToHwio(float[] k, int out, int in, int h, int w) {
        float[] t = new float[k.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        t[((y * w + x) * in + i) * out + o] = k[((o * in + i) * h + y) * w + x];
                    }
                }
            }
        }
        return t;
    }

    /** Equal-sized parts concatenated along the last axis of the target shape. */
    private static float[] sideBySide(List<float[]> parts, long[] shape) {
        int total = parts.stream().mapToInt(p -> p.length).sum();
        int lastAxis = (int) shape[shape.length - 1];
        int rows = total / lastAxis;
        float[] out = new float[total];
        int column = 0;
        for (float[] p : parts) {
            int width = p.length / rows;
            for (int r = 0; r < rows; r++) {
                System.arraycopy(p, r * width, out, r * lastAxis + column, width);
            }
            column += width;
        }
        return out;
    }
}
