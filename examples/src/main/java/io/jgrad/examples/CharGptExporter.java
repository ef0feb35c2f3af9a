package io.jgrad.examples;

import io.jgrad.autograd.Variable;
import io.jgrad.nn.Embedding;
import io.jgrad.nn.Module;
import io.jgrad.nn.ModuleList;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.ModuleExporters;
import io.jgrad.onnx.OnnxGraph;
import io.jgrad.onnx.Value;
import io.jgrad.tensor.Tensor;
import java.util.Map;

/**
 * {@link CharGpt} as ONNX, an example of an exporter for a project's own module: the token rows
 * ({@code Gather}) plus the position rows of the example's length (a constant index list), then
 * each block, the final LayerNorm and the head through their own exporters, so the weights keep
 * the model's keys ({@code tok.weight}, {@code blocks.0.self_attn.in_proj_weight}, …).
 */
final class CharGptExporter implements ModuleExporter<CharGpt> {
    private CharGptExporter() {
    }

    /** Makes {@link io.jgrad.onnx.Onnx#export} able to write a {@link CharGpt}. */
    static void register() {
        ModuleExporters.register(CharGpt.class, new CharGptExporter());
    }

    @Override
    public Value export(CharGpt m, Value tokens, OnnxGraph g) {
        Map<String, Module> c = m.children();
        Value tok = g.export(c.get("tok"), "tok", tokens);
        Embedding pos = (Embedding) c.get("pos");
        long len = tokens.shape()[1];
        Tensor ids = Tensor.arange(len);
        String posRows = g.within("pos", () -> g.node("Gather", g.initializer("weight", pos.weight().value()),
                g.int64("positions", ids.toLongArray())).attr("axis", 0).output());
        Tensor posExample = g.compute(() -> pos.forward(Variable.constant(ids)));
        Value h = new Value(g.node("Add", tok.name(), posRows).output(),
                g.compute(() -> Variable.constant(tok.example()).add(Variable.constant(posExample))));
        ModuleList blocks = (ModuleList) c.get("blocks");
        for (int i = 0; i < blocks.size(); i++) {
            Value in = h;
            Module block = blocks.get(i);
            String name = Integer.toString(i);
            h = g.within("blocks", () -> g.export(block, name, in));
        }
        return g.export(c.get("head"), "head", g.export(c.get("norm"), "norm", h));
    }
}
