package io.jgrad.onnx.layers;

import io.jgrad.nn.Module;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.OnnxGraph;
import io.jgrad.onnx.Value;

/** A parameter-free layer that is one ONNX operator of the same name: ReLU as {@code Relu}, Sigmoid, Tanh. */
public final class ElementwiseExporter implements ModuleExporter<Module> {
    private final String opType;

    public ElementwiseExporter(String opType) {
        this.opType = opType;
    }

    @Override
    public Value export(Module m, Value x, OnnxGraph g) {
        return g.output(m, x, g.node(opType, x.name()).output());
    }
}
