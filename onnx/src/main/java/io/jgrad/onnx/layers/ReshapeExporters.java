package io.jgrad.onnx.layers;

import io.jgrad.nn.Flatten;
import io.jgrad.nn.Unflatten;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.Value;
import io.jgrad.tensor.Tensor;

/**
 * {@link Flatten} and {@link Unflatten} as one {@code Reshape} to the example's output shape,
 * with the batch dimension left dynamic: copied from the input when the layer leaves dimension
 * 0 alone, inferred from the other sizes when Flatten merges it. Splitting the batch dimension
 * itself (Unflatten of dimension 0) has no fixed target shape and is refused.
 */
public final class ReshapeExporters {
    private ReshapeExporters() {
    }

    /** {@code Reshape}; the batch dimension is kept unless {@code start_dim} resolves to 0. */
    public static final ModuleExporter<Flatten> FLATTEN = (m, x, g) -> {
        Tensor y = g.forward(m, x);
        boolean keepsBatch = Math.floorMod(m.startDim(), Math.max(x.rank(), 1)) != 0;
        return new Value(g.reshape(x, y.shape(), keepsBatch), y);
    };

    /** {@code Reshape} of one non-batch dimension into several. */
    public static final ModuleExporter<Unflatten> UNFLATTEN = (m, x, g) -> {
        if (Math.floorMod(m.dim(), Math.max(x.rank(), 1)) == 0) {
            throw g.unsupported(m, "it splits dimension 0, the dynamic batch dimension");
        }
        Tensor y = g.forward(m, x);
        return new Value(g.reshape(x, y.shape(), true), y);
    };
}
