package io.hiertag.convert;

import java.nio.file.Path;
import java.util.Map;

/** A file of named tensors ({@code .safetensors} or {@code .npz}), opened and checked against its own length. */
interface TensorFile extends AutoCloseable {

    Path path();

    /** @return every tensor by name, in the file's order */
    Map<String, TensorInfo> tensors();

    /**
     * @return the tensor's values as float32, row-major
     * @throws CheckpointException when the tensor is not a floating-point one or its data cannot be read
     */
    float[] read(String name);

    @Override
    void close();
}
