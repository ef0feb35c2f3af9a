package io.jgrad.spark;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A module's state dict as plain Java arrays, so it can be broadcast to executors with Java
 * serialization and no ND4J on the wire: float32 tensors as {@code float[]}, float64 ones (such as
 * BatchNorm's {@code num_batches_tracked}) as {@code double[]}, each with its shape.
 */
final class StateSnapshot implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> names = new ArrayList<>();
    private final List<long[]> shapes = new ArrayList<>();
    private final List<Object> values = new ArrayList<>();

    private StateSnapshot() {
    }

    /** A copy of {@code state} (keys in its iteration order). */
    static StateSnapshot of(Map<String, Tensor> state) {
        StateSnapshot s = new StateSnapshot();
        state.forEach((name, t) -> {
            s.names.add(name);
            s.shapes.add(t.shape());
            s.values.add(t.dtype() == DType.FLOAT64 ? t.toDoubleArray() : t.toFloatArray());
        });
        return s;
    }

    /** Whether the snapshot holds no tensor (a model without buffers). */
    boolean isEmpty() {
        return names.isEmpty();
    }

    /** The tensors again, keyed by name in the original order. */
    Map<String, Tensor> toTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            Object v = values.get(i);
            out.put(names.get(i), v instanceof double[] d ? Tensor.of(d, shapes.get(i))
                    : Tensor.of((float[]) v, shapes.get(i)));
        }
        return out;
    }
}
