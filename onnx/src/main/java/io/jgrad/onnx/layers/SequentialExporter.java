package io.jgrad.onnx.layers;

import io.jgrad.nn.Module;
import io.jgrad.nn.Sequential;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.OnnxGraph;
import io.jgrad.onnx.Value;
import java.util.Map;

/** {@link Sequential}: each child in order, named by its index, nested containers included. */
public final class SequentialExporter implements ModuleExporter<Sequential> {
    @Override
    public Value export(Sequential m, Value x, OnnxGraph g) {
        Value h = x;
        for (Map.Entry<String, Module> child : m.children().entrySet()) {
            h = g.export(child.getValue(), child.getKey(), h);
        }
        return h;
    }
}
