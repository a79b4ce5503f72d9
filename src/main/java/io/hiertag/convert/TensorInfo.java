package io.hiertag.convert;

import java.util.List;

/**
 * One tensor of a checkpoint file, as its header describes it.
 *
 * @param name the tensor's name in the file
 * @param dtype the element type as the file spells it ({@code F16}, {@code <f4}, ...)
 * @param type the decodable type, or null when the file's type is not a floating-point one this code reads
 * @param shape the dimensions
 */
record TensorInfo(String name, String dtype, DType type, List<Long> shape) {

    /**
     * @param types the floating-point types the file can hold, for the message
     * @return the file's tensor of that name
     * @throws CheckpointException when it is not of a floating-point type
     */
    static TensorInfo floating(TensorFile file, String name, String types) {
        TensorInfo info = file.tensors().get(name);
        if (info == null) {
            throw new IllegalArgumentException(file.path() + " has no tensor '" + name + "'");
        }
        if (info.type() == null) {
            throw new CheckpointException(file.path() + ": tensor '" + name + "' is " + info.dtype()
                    + ", not a floating-point type (" + types + ")");
        }
        return info;
    }

    long elements() {
        return shape.stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
    }
}
