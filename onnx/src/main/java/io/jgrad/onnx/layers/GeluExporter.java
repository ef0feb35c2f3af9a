package io.jgrad.onnx.layers;

import io.jgrad.nn.GELU;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.OnnxGraph;
import io.jgrad.onnx.Value;

/**
 * {@link GELU} in its exact form {@code x·½·(1 + erf(x/√2))}, written with {@code Erf} since
 * the {@code Gelu} operator only exists from opset 20 on (the export targets opset 17).
 */
public final class GeluExporter implements ModuleExporter<GELU> {
    @Override
    public Value export(GELU m, Value x, OnnxGraph g) {
        String scaled = g.node("Div", x.name(), g.scalar("sqrt2", Math.sqrt(2), x)).output();
        String erf = g.node("Erf", scaled).output();
        String onePlus = g.node("Add", erf, g.scalar("one", 1, x)).output();
        String half = g.node("Mul", onePlus, g.scalar("half", 0.5, x)).output();
        return g.output(m, x, g.node("Mul", x.name(), half).output());
    }
}
