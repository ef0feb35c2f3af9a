package io.jgrad.onnx.layers;

import io.jgrad.nn.LayerNorm;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.OnnxGraph;
import io.jgrad.onnx.Value;
import io.jgrad.tensor.Tensor;

/**
 * {@link LayerNorm} over the last dimension: {@code LayerNormalization} (opset 17) with
 * {@code axis=-1}; γ = 1 is stored as a constant for a layer without elementwise affine.
 */
public final class LayerNormExporter implements ModuleExporter<LayerNorm> {
    @Override
    public Value export(LayerNorm m, Value x, OnnxGraph g) {
        String out;
        if (m.weight() != null) {
            out = g.node("LayerNormalization", x.name(), g.initializer("weight", m.weight().value()),
                    g.initializer("bias", m.bias().value())).attr("axis", -1).attr("epsilon", m.eps()).output();
        } else {
            String ones = g.initializer("weight_ones", Tensor.full(1, x.example().dtype(), m.normalizedShape()));
            out = g.node("LayerNormalization", x.name(), ones).attr("axis", -1).attr("epsilon", m.eps()).output();
        }
        return g.output(m, x, out);
    }
}
