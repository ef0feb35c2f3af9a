package io.jgrad.onnx.layers;

import io.jgrad.nn.Embedding;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.OnnxGraph;
import io.jgrad.onnx.Value;
import io.jgrad.tensor.DType;
import io.jgrad.onnx.proto.OnnxProtos.TensorProto;

/**
 * {@link Embedding}: {@code Gather} picks the table's rows, {@code [...] -> [..., dim]}, for
 * INT64 indices; float indices (whole numbers, which jgrad still accepts) are cast to INT64 first.
 */
public final class EmbeddingExporter implements ModuleExporter<Embedding> {
    @Override
    public Value export(Embedding m, Value x, OnnxGraph g) {
        String indices = x.example().dtype() == DType.INT64 ? x.name()
                : g.node("Cast", x.name()).attr("to", TensorProto.DataType.INT64_VALUE).output();
        String rows = g.node("Gather", g.initializer("weight", m.weight().value()), indices).attr("axis", 0).output();
        return g.output(m, x, rows);
    }
}
