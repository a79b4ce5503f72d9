package io.hiertag.convert;

import java.nio.ByteBuffer;

/** The floating-point element types a checkpoint may store, each decoded to float32. */
enum DType {
    F32(4), F16(2), BF16(2), F64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    int bytes() {
        return bytes;
    }

    /** Reads {@code count} elements from the buffer's position, in the buffer's byte order. */
    float[] decode(ByteBuffer in, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = switch (this) {
                case F32 -> in.getFloat();
                case F64 -> (float) in.getDouble();
                case BF16 -> Float.intBitsToFloat((in.getShort() & 0xFFFF) << 16);
                case F16 -> halfToFloat(in.getShort());
            };
        }
        return out;
    }

    /**
     * IEEE 754 binary16 to float, exactly (every half is a float). By hand because {@code Float.float16ToFloat}
     * only came in Java 20.
     */
    static float halfToFloat(short half) {
        int bits = half & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13)); // infinity or NaN
        }
        if (exponent == 0) {
            // Zero or subnormal: mantissa · 2^-24, exact in float.
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
