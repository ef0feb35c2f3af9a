package io.jgrad.onnx.layers;

import io.jgrad.nn.LeakyReLU;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.OnnxGraph;
import io.jgrad.onnx.Value;

/** {@link LeakyReLU}: {@code LeakyRelu} with its negative slope as {@code alpha}. */
public final class LeakyReluExporter implements ModuleExporter<LeakyReLU> {
    @Override
    public Value export(LeakyReLU m, Value x, OnnxGraph g) {
        return g.output(m, x, g.node("LeakyRelu", x.name()).attr("alpha", m.negativeSlope()).output());
    }
}
