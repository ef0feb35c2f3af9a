package io.jgrad.onnx.layers;

import io.jgrad.autograd.Variable;
import io.jgrad.nn.GELU;
import io.jgrad.nn.Module;
import io.jgrad.nn.MultiheadAttention;
import io.jgrad.nn.TransformerEncoderLayer;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.OnnxGraph;
import io.jgrad.onnx.Value;
import java.util.Map;

/**
 * {@link TransformerEncoderLayer} in evaluation mode (its dropouts are the identity): the
 * self-attention block ({@link AttentionExporter}, with the causal mask when the layer was built
 * causal) and the feed-forward block {@code linear2(act(linear1(·)))}, each with its residual
 * {@code Add}, and {@code norm1}/{@code norm2} after each block (post-norm) or before it
 * ({@code normFirst}), as the layer's forward composes them. The children keep their names
 * ({@code self_attn}, {@code linear1}, {@code norm1}, …), so do their weights.
 */
public final class TransformerEncoderLayerExporter implements ModuleExporter<TransformerEncoderLayer> {
    @Override
    public Value export(TransformerEncoderLayer m, Value x, OnnxGraph g) {
        Map<String, Module> c = m.children();
        MultiheadAttention attn = (MultiheadAttention) c.get("self_attn");
        if (m.normFirst()) {
            Value h = add(g, x, attention(g, attn, g.export(c.get("norm1"), "norm1", x), m.causal()));
            return add(g, h, feedForward(g, m, g.export(c.get("norm2"), "norm2", h)));
        }
        Value h = g.export(c.get("norm1"), "norm1", add(g, x, attention(g, attn, x, m.causal())));
        return g.export(c.get("norm2"), "norm2", add(g, h, feedForward(g, m, h)));
    }

    private static Value attention(OnnxGraph g, MultiheadAttention attn, Value x, boolean causal) {
        Variable in = Variable.constant(x.example());
        return new Value(g.within("self_attn", () -> AttentionExporter.selfAttention(attn, x, causal, g)),
                g.compute(() -> attn.forward(in, in, in, causal)));
    }

    private static Value feedForward(OnnxGraph g, TransformerEncoderLayer m, Value x) {
        Value a = g.export(m.children().get("linear1"), "linear1", x);
        Value act = "relu".equals(m.activation())
                ? new Value(g.node("Relu", a.name()).output(), g.compute(() -> Variable.constant(a.example()).relu()))
                : new GeluExporter().export(new GELU(), a, g);
        return g.export(m.children().get("linear2"), "linear2", act);
    }

    private static Value add(OnnxGraph g, Value a, Value b) {
        return new Value(g.node("Add", a.name(), b.name()).output(),
                g.compute(() -> Variable.constant(a.example()).add(Variable.constant(b.example()))));
    }
}
