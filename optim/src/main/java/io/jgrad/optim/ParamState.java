package io.jgrad.optim;

import io.jgrad.tensor.backend.NdArrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The optimizer state of one parameter, like an entry of PyTorch's {@code optimizer.state}:
 * a step count and named buffers ({@code momentum_buffer}, {@code exp_avg}, ...), plus scratch
 * arrays that are reused across steps and never saved.
 */
final class ParamState {
    long step;
    final Map<String, INDArray> buffers = new LinkedHashMap<>();
    private final INDArray[] scratch = new INDArray[2];

    /** The buffer {@code name}; created zero-filled (like {@code like}) on first use. */
    INDArray zeros(String name, INDArray like) {
        return buffers.computeIfAbsent(name, n -> NdArrays.zeros(like.dataType(), like.shape()));
    }

    /** The buffer {@code name}, or null when it does not exist yet. */
    INDArray get(String name) {
        return buffers.get(name);
    }

    /** Scratch array {@code i} (0 or 1) shaped like the parameter; contents are garbage. */
    INDArray scratch(int i, INDArray like) {
        INDArray s = scratch[i];
        if (s == null) {
            s = scratch[i] = NdArrays.uninitialized(like.dataType(), like.shape());
        }
        return s;
    }
}
