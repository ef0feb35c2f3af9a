package io.jgrad.autograd;

import io.jgrad.tensor.Broadcast;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.backend.Dense;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where an {@link AccumulatingGradFn} puts the gradients of one node's inputs during backward:
 * the engine's own accumulation buffers. For a leaf that is its {@code grad} buffer (reused
 * across steps); for an intermediate result it is the gradient pending for that node.
 * Internal to the engine: only this module's op families write through it; other modules
 * extend the graph with {@link Variable#fromOp} or the fused ops of {@link Functional}.
 */
final class GradSink {
    /** A buffer of the input's shape to write into: {@code array = beta · array + grad}. */
    public record Target(INDArray array, double beta) {
        /** True when the buffer's contents must be ignored (overwritten, {@code beta = 0}). */
        public boolean overwrite() {
            return beta == 0;
        }
    }

    private final String op;
    private final Variable[] inputs;
    private final boolean anomaly;

    private final java.util.List<INDArray> targets = new java.util.ArrayList<>(3);

    /** Whether the graph outlives this backward ({@code backward(true)}): the node's backward may run again. */
    private final boolean graphRetained;

    GradSink(String op, Variable[] inputs, boolean anomaly) {
        this(op, inputs, anomaly, false);
    }

    GradSink(String op, Variable[] inputs, boolean anomaly, boolean graphRetained) {
        this.op = op;
        this.inputs = inputs;
        this.anomaly = anomaly;
        this.graphRetained = graphRetained;
    }

    /** True when this node's backward may run again (the graph is retained), so what it saved must stay. */
    boolean graphRetained() {
        return graphRetained;
    }

    private void handedOut(INDArray a) {
        if (anomaly) {
            targets.add(a);
        }
    }

    /** In anomaly mode: fails if a buffer written through {@link #target} holds NaN or Inf. */
    void checkTargets() {
        for (INDArray a : targets) {
            Backprop.checkFinite(op, "backward", a, inputs);
        }
    }

    /** Whether input {@code k} takes a gradient. */
    public boolean requires(int k) {
        return inputs[k].requiresGrad();
    }

    /**
     * The buffer input {@code k}'s gradient goes into, of its exact shape and row-major. Write
     * {@code array = beta · array + grad} exactly once per backward of this node.
     *
     * @throws IllegalStateException when input {@code k} does not require a gradient
     */
    public Target target(int k) {
        Variable in = inputs[k];
        if (!in.requiresGrad()) {
            throw new IllegalStateException("backward of " + op + ": input " + k + " " + Shapes.str(in.shape())
                    + " does not require grad; check requires(k) first");
        }
        if (in.gradFn == null) {
            Target t = in.leafGradTarget();
            handedOut(t.array());
            return t;
        }
        if (in.pending == null) {
            in.pending = GradPool.acquire(in.value().array().dataType(), in.shape());
            in.pendingOwned = true;
            handedOut(in.pending);
            return new Target(in.pending, 0);
        }
        if (!in.pendingOwned || !Dense.rowMajor(in.pending)) {
            in.pending = in.pending.dup('c');
            in.pendingOwned = true;
        }
        handedOut(in.pending);
        return new Target(in.pending, 1);
    }

    /** Adds a finished gradient for input {@code k} (summed down to the input's shape if broadcast). */
    public void add(int k, INDArray grad) {
        Variable in = inputs[k];
        if (grad == null || !in.requiresGrad()) {
            return;
        }
        INDArray g = Broadcast.reduceTo(grad, in.value().shape());
        if (anomaly) {
            Backprop.checkFinite(op, "backward", g, inputs);
        }
        Backprop.accumulatePending(in, g, g != grad);
    }
}
