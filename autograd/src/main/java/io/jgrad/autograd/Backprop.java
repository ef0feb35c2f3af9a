package io.jgrad.autograd;

import io.jgrad.tensor.Broadcast;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.backend.Dense;
import io.jgrad.tensor.backend.Transfers;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The reverse-mode engine: sorts the graph below a root topologically (iteratively, so a chain
 * of any length fits the stack), then walks it from the root down, calling each node's
 * {@link GradFn} once with the sum of the gradients that reached it.
 */
final class Backprop {
    private Backprop() {
    }

    static void run(Variable root, INDArray seed, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the root " + root
                    + " does not require grad; was it computed under noGrad() or from constants only?");
        }
        List<Variable> order = topologicalOrder(root);
        boolean anomaly = GradMode.anomalyDetection();
        root.pending = seed;
        root.pendingOwned = false;
        try {
            for (int i = order.size() - 1; i >= 0; i--) {
                Variable node = order.get(i);
                INDArray g = node.pending;
                boolean owned = node.pendingOwned;
                INDArray base = node.pendingBase;
                node.pending = null;
                node.pendingBase = null;
                if (g == null) {
                    continue;
                }
                if (node.gradFn == null) {
                    node.accumulateLeafGrad(g, owned);
                    continue;
                }
                if (node.gradFn instanceof Accumulating acc) {
                    GradSink sink = new GradSink(node.op(), node.inputs, anomaly, retainGraph);
                    acc.fn().backward(g, sink);
                    sink.checkTargets();
                    if (owned && Dense.rowMajor(g)) {
                        GradPool.release(g);      // consumed; an accumulating backward keeps no reference
                    } else if (base != null) {
                        GradPool.release(base);   // g was a reshape of it, now consumed
                    }
                    release(node, retainGraph);
                    continue;
                }
                INDArray[] grads = node.gradFn.apply(g);
                if (grads.length != node.inputs.length) {
                    throw new IllegalStateException("backward of " + node.op() + " returned " + grads.length
                            + " gradients for " + node.inputs.length + " inputs");
                }
                for (int k = 0; k < grads.length; k++) {
                    Variable in = node.inputs[k];
                    if (grads[k] == null || !in.requiresGrad()) {
                        continue;
                    }
                    INDArray gk = Broadcast.reduceTo(grads[k], in.value().shape());
                    if (anomaly) {
                        checkFinite(node.op(), "backward", gk, node.inputs);
                    }
                    // only arrays the engine made itself are written into in place: an op's result
                    // may be a view of, or the same array as, a gradient another input also holds
                    accumulatePending(in, gk, gk != grads[k]);
                    if (owned && grads.length == 1 && in.pending == gk && reshapeOf(gk, g)) {
                        in.pendingBase = g;       // Flatten's backward: g goes back to the pool after its consumer
                    }
                }
                release(node, retainGraph);
            }
        } finally {
            for (Variable v : order) {
                v.pending = null;
            }
        }
    }

    /**
     * Drops the node's graph edges unless the graph is retained, and then, for a value only the graph
     * could reach ({@link Functional#intermediate}), its memory: every consumer of the node ran before
     * it (reverse topological order) and its own backward has just run, so nothing reads it again.
     */
    private static void release(Variable node, boolean retainGraph) {
        if (!retainGraph) {
            node.inputs = null;
            node.gradFn = null;
            node.released = true;
            if (node.valueRelease != null) {
                node.valueRelease.release();
                node.valueRelease = null;
            }
        }
    }

    /** An {@link AccumulatingGradFn} stored where a {@link GradFn} goes; the engine calls it with a sink. */
    record Accumulating(AccumulatingGradFn fn) implements GradFn {
        @Override
        public INDArray[] apply(INDArray gradOut) {
            throw new IllegalStateException("an accumulating backward is called by the engine with a GradSink");
        }
    }

    /**
     * Whether {@code view} is another shape of the whole dense array {@code g} (what a reshape's
     * backward returns): the same memory, which only the node that receives {@code view} still reads.
     */
    private static boolean reshapeOf(INDArray view, INDArray g) {
        return view != g && Dense.rowMajor(g) && Dense.wholeViewOf(view, g);
    }

    static void accumulatePending(Variable in, INDArray g, boolean owned) {
        if (in.pending == null) {
            in.pending = g;
            in.pendingOwned = owned;
        } else if (in.pendingOwned) {
            in.pending.addi(g);
        } else {
            in.pending = in.pending.add(g);
            in.pendingOwned = true;
        }
    }

    /**
     * Nodes reachable from {@code root} through Variables that require grad, each after all of
     * its inputs. Fails before any gradient is computed if part of the graph was released.
     */
    private static List<Variable> topologicalOrder(Variable root) {
        List<Variable> order = new ArrayList<>();
        Map<Variable, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        checkNotReleased(root);
        seen.put(root, Boolean.TRUE);
        stack.push(new Object[] {root, 0});
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Variable v = (Variable) frame[0];
            int next = (Integer) frame[1];
            Variable[] ins = v.inputs == null ? new Variable[0] : v.inputs;
            if (next < ins.length) {
                frame[1] = next + 1;
                Variable in = ins[next];
                if (in.requiresGrad() && seen.put(in, Boolean.TRUE) == null) {
                    checkNotReleased(in);
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(v);
            }
        }
        return Collections.unmodifiableList(order);
    }

    private static void checkNotReleased(Variable v) {
        if (v.released) {
            throw new IllegalStateException("backward: the graph through " + v.op() + " " + Shapes.str(v.shape())
                    + " was already released by an earlier backward(); call backward(true) to retain it");
        }
    }

    /** Throws a {@link NumericalAnomalyException} when {@code a} holds NaN or Inf. */
    static void checkFinite(String op, String phase, INDArray a, Variable[] inputs) {
        String bad = Transfers.nonFinite(a);
        if (bad != null) {
            StringBuilder shapes = new StringBuilder();
            for (Variable in : inputs) {
                shapes.append(shapes.length() == 0 ? "" : ", ").append(Arrays.toString(in.shape()));
            }
            throw new NumericalAnomalyException(op, "anomaly: " + op + " produced " + bad
                    + " in its " + phase + " (result shape " + Shapes.str(a.shape()) + ", input shapes "
                    + shapes + ")");
        }
    }
}
