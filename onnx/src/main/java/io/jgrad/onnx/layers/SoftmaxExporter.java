package io.jgrad.onnx.layers;

import io.jgrad.nn.LogSoftmax;
import io.jgrad.nn.Module;
import io.jgrad.nn.Softmax;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.OnnxGraph;
import io.jgrad.onnx.Value;

/**
 * {@link Softmax} and {@link LogSoftmax} along one axis: {@code Softmax} / {@code LogSoftmax},
 * whose opset-13 form normalises along that single axis as jgrad (and PyTorch) do.
 */
public final class SoftmaxExporter implements ModuleExporter<Module> {
    @Override
    public Value export(Module m, Value x, OnnxGraph g) {
        boolean log = m instanceof LogSoftmax;
        int axis = log ? ((LogSoftmax) m).dim() : ((Softmax) m).dim();
        return g.output(m, x, g.node(log ? "LogSoftmax" : "Softmax", x.name()).attr("axis", axis).output());
    }
}
