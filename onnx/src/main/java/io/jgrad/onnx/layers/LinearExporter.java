package io.jgrad.onnx.layers;

import io.jgrad.nn.Linear;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.OnnxGraph;
import io.jgrad.onnx.Value;

/**
 * {@link Linear}, {@code y = x·Wᵀ + b}: one {@code Gemm} (transB) for {@code [N, in]} input;
 * for any other rank a {@code Transpose} of the stored weight, {@code MatMul} and {@code Add},
 * which broadcast over the leading dimensions as the layer does.
 */
public final class LinearExporter implements ModuleExporter<Linear> {
    @Override
    public Value export(Linear m, Value x, OnnxGraph g) {
        String w = g.initializer("weight", m.weight().value());
        String b = m.bias() == null ? null : g.initializer("bias", m.bias().value());
        if (x.rank() == 2) {
            String out = b == null ? g.node("Gemm", x.name(), w).attr("transB", 1).output()
                    : g.node("Gemm", x.name(), w, b).attr("transB", 1).output();
            return g.output(m, x, out);
        }
        String wt = g.node("Transpose", w).ints("perm", 1, 0).output();
        String y = g.node("MatMul", x.name(), wt).output();
        return g.output(m, x, b == null ? y : g.node("Add", y, b).output());
    }
}
