package io.hiertag.model.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The variables a graph declares, each with the placeholder and assignment that set it. Weights are variables set
 * by feeding, not constants, so they are stored once, in {@code variables/}, and {@code saved_model.pb} stays
 * small (and under protobuf's 2 GB limit for any model size).
 */
final class GraphWeights {

    private record Weight(String name, long[] shape, Placeholder<TFloat32> feed, Assign<TFloat32> assign) {}

    private final Ops tf;
    private final List<Weight> weights = new ArrayList<>();

    GraphWeights(Ops tf) {
        this.tf = tf;
    }

    Variable<TFloat32> variable(String name, long... shape) {
        Shape s = Shape.of(shape);
        // TF Java's op names take no '/' (that is its scopes'), so image/block_0/... becomes image.block_0....
        Variable<TFloat32> variable = tf.withName(name.replace('/', '.')).variable(s, TFloat32.class);
        Placeholder<TFloat32> feed = tf.placeholder(TFloat32.class, Placeholder.shape(s));
        weights.add(new Weight(name, shape.clone(), feed, tf.assign(variable, feed)));
        return variable;
    }

    /** Checks every weight with the source first, then reads and assigns them one at a time (bounded memory). */
    void assign(Session session, WeightSource source) {
        for (Weight w : weights) {
            source.check(w.name(), w.shape());
        }
        for (Weight w : weights) {
            float[] values = source.read(w.name(), w.shape());
            try (TFloat32 tensor = TFloat32.tensorOf(Shape.of(w.shape()), DataBuffers.of(values, true, false))) {
                session.runner().feed(w.feed(), tensor).addTarget(w.assign()).run().close();
            }
        }
    }
}
