package io.jgrad.optim;

import io.jgrad.tensor.backend.NdArrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The optimizer state of one parameter, like an entry of PyTorch's {@code optimizer.state}:
 * a step count and named buffers ({@code momentum_buffer}, {@code exp_avg}, ...), plus scratch
 * arrays that are reused across steps and never saved.
 *
 * <p>Public so that optimizers can be written outside this package: a subclass of
 * {@link BaseOptimizer} receives one per parameter in {@code update} (empty on the first
 * update), keeps its buffers here, and lists their names in {@code stateBuffers()}; the
 * optimizer's state dict then holds them as {@code state.<i>.<buffer>} and restores them. A
 * Lion update, for instance:
 * <pre>{@code
 * INDArray m = state.zeros("exp_avg", param);          // created on the first step
 * INDArray c = state.scratch(0, param).assign(m).muli(beta1).addi(grad.mul(1 - beta1));
 * param.muli(1 - lr * weightDecay).subi(Transforms.sign(c, false).muli(lr));
 * m.muli(beta2).addi(grad.mul(1 - beta2));
 * }</pre>
 */
public final class ParamState {
    long step;
    final Map<String, INDArray> buffers = new LinkedHashMap<>();
    private final INDArray[] scratch = new INDArray[2];

    ParamState() {
    }

    /** The steps counted so far ({@code state.<i>.step} when the optimizer counts steps). */
    public long step() {
        return step;
    }

    /** Counts one more step and returns the new count (1 at the first update), as PyTorch's {@code state['step'] += 1}. */
    public long nextStep() {
        return ++step;
    }

    /** The buffer {@code name}; created zero-filled (like {@code like}) on first use. */
    public INDArray zeros(String name, INDArray like) {
        return buffers.computeIfAbsent(name, n -> NdArrays.zeros(like.dataType(), like.shape()));
    }

    /** The buffer {@code name}, or null when it does not exist yet. */
    public INDArray get(String name) {
        return buffers.get(name);
    }

    /**
     * Stores {@code value} as the buffer {@code name} (e.g. a momentum buffer that starts as the
     * first gradient); the state keeps the array itself, so pass a copy of anything you reuse.
     */
    public void put(String name, INDArray value) {
        if (name == null || value == null) {
            throw new IllegalArgumentException("ParamState.put: name and value must not be null, got " + name + " and " + value);
        }
        buffers.put(name, value);
    }

    /** Scratch array {@code i} (0 or 1) shaped like the parameter; contents are garbage. */
    public INDArray scratch(int i, INDArray like) {
        if (i < 0 || i >= scratch.length) {
            throw new IllegalArgumentException("ParamState.scratch: index must be 0 or 1, got " + i);
        }
        INDArray s = scratch[i];
        if (s == null) {
            s = scratch[i] = NdArrays.uninitialized(like.dataType(), like.shape());
        }
        return s;
    }
}
