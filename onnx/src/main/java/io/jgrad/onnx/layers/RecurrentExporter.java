package io.jgrad.onnx.layers;

import io.jgrad.nn.GRU;
import io.jgrad.nn.LSTM;
import io.jgrad.nn.Module;
import io.jgrad.nn.Parameter;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.OnnxGraph;
import io.jgrad.onnx.Value;
import io.jgrad.tensor.Tensor;
import java.util.Map;

/**
 * {@link LSTM} and {@link GRU} (batch-first, zero initial states, the last layer's outputs):
 * one ONNX {@code LSTM} / {@code GRU} node per layer on the time-major sequence, between a
 * {@code Transpose} in and out (ONNX Runtime runs these operators time-major only). The weights
 * are stored as PyTorch keeps them ({@code weight_ih_l0}, …); {@code Gather} nodes reorder their
 * gate blocks into ONNX's order (LSTM: PyTorch i, f, g, o → ONNX i, o, f, c; GRU: r, z, n → z, r, h),
 * which ONNX Runtime folds into constants when it loads the model. The GRU uses
 * {@code linear_before_reset=1}, PyTorch's {@code r·(W_hn·h + b_hn)}.
 */
public final class RecurrentExporter implements ModuleExporter<Module> {
    private final String opType;
    private final int[] gateOrder;

    private RecurrentExporter(String opType, int... gateOrder) {
        this.opType = opType;
        this.gateOrder = gateOrder;
    }

    /** {@code LSTM}: ONNX's gate blocks i, o, f, c are PyTorch's blocks 0, 3, 1, 2. */
    public static RecurrentExporter lstm() {
        return new RecurrentExporter("LSTM", 0, 3, 1, 2);
    }

    /** {@code GRU}: ONNX's gate blocks z, r, h are PyTorch's blocks 1, 0, 2. */
    public static RecurrentExporter gru() {
        return new RecurrentExporter("GRU", 1, 0, 2);
    }

    @Override
    public Value export(Module m, Value x, OnnxGraph g) {
        int hidden = m instanceof LSTM lstm ? lstm.hiddenSize() : ((GRU) m).hiddenSize();
        int layers = m instanceof LSTM lstm ? lstm.numLayers() : ((GRU) m).numLayers();
        Map<String, Parameter> params = m.namedParameters();
        String order = g.int64("gate_order", gateRows(hidden));
        String axis0 = g.int64("axis0", 0);
        String axis1 = g.int64("axis1", 1);
        String timeMajor = g.node("Transpose", x.name()).ints("perm", 1, 0, 2).output();          // [T, N, in]
        for (int k = 0; k < layers; k++) {
            String w = gates(g, "weight_ih_l" + k, params.get("weight_ih_l" + k).value(), order, axis0);
            String r = gates(g, "weight_hh_l" + k, params.get("weight_hh_l" + k).value(), order, axis0);
            String bi = g.node("Gather", g.initializer("bias_ih_l" + k, params.get("bias_ih_l" + k).value()), order).output();
            String bh = g.node("Gather", g.initializer("bias_hh_l" + k, params.get("bias_hh_l" + k).value()), order).output();
            String b = g.node("Unsqueeze", g.node("Concat", bi, bh).attr("axis", 0).output(), axis0).output();
            var node = g.node(opType, timeMajor, w, r, b).attr("hidden_size", hidden);
            if (m instanceof GRU) {
                node.attr("linear_before_reset", 1);
            }
            timeMajor = g.node("Squeeze", node.output(), axis1).output();          // [T, 1, N, H] -> [T, N, H]
        }
        return g.output(m, x, g.node("Transpose", timeMajor).ints("perm", 1, 0, 2).output());
    }

    /** The row indices that put the gate blocks of a {@code [G·H, …]} tensor in ONNX's order. */
    private long[] gateRows(int hidden) {
        long[] rows = new long[gateOrder.length * hidden];
        for (int b = 0; b < gateOrder.length; b++) {
            for (int i = 0; i < hidden; i++) {
                rows[b * hidden + i] = (long) gateOrder[b] * hidden + i;
            }
        }
        return rows;
    }

    /** A weight stored under {@code key}, its gate blocks reordered and a leading direction axis added. */
    private static String gates(OnnxGraph g, String key, Tensor weight, String order, String axis0) {
        String reordered = g.node("Gather", g.initializer(key, weight), order).attr("axis", 0).output();
        return g.node("Unsqueeze", reordered, axis0).output();
    }
}
