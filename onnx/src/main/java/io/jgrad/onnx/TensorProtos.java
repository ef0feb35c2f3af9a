package io.jgrad.onnx;

import com.google.protobuf.ByteString;
import io.jgrad.tensor.DType;
import io.jgrad.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import io.jgrad.onnx.proto.OnnxProtos.TensorProto;

/** Tensors as ONNX {@code TensorProto}s: the dims, the element type and little-endian {@code raw_data}. */
final class TensorProtos {
    private TensorProtos() {
    }

    /** The ONNX element type of a jgrad dtype. */
    static int elementType(DType type) {
        return switch (type) {
            case FLOAT32 -> TensorProto.DataType.FLOAT_VALUE;
            case FLOAT64 -> TensorProto.DataType.DOUBLE_VALUE;
            case INT64 -> TensorProto.DataType.INT64_VALUE;
        };
    }

    /** {@code t}'s values under {@code name}. */
    static TensorProto of(String name, Tensor t) {
        int n = Math.toIntExact(t.size());
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(n, t.dtype() == DType.FLOAT32 ? Float.BYTES : Long.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case FLOAT32 -> bytes.asFloatBuffer().put(t.toFloatArray());
            case FLOAT64 -> bytes.asDoubleBuffer().put(t.toDoubleArray());
            case INT64 -> bytes.asLongBuffer().put(t.toLongArray());
        }
        return header(name, elementType(t.dtype()), t.shape()).setRawData(ByteString.copyFrom(bytes.array())).build();
    }

    /** An INT64 tensor of {@code dims} (empty for a scalar), e.g. the target shape of a {@code Reshape}. */
    static TensorProto int64(String name, long[] dims, long... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return header(name, TensorProto.DataType.INT64_VALUE, dims)
                .setRawData(ByteString.copyFrom(bytes.array())).build();
    }

    private static TensorProto.Builder header(String name, int elementType, long[] dims) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(elementType);
        for (long d : dims) {
            b.addDims(d);
        }
        return b;
    }
}
