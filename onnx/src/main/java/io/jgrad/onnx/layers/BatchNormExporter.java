package io.jgrad.onnx.layers;

import io.jgrad.nn.BatchNorm1d;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.OnnxGraph;
import io.jgrad.onnx.Value;
import io.jgrad.tensor.Tensor;

/**
 * {@link BatchNorm1d} on {@code [N, C]} and {@link io.jgrad.nn.BatchNorm2d} on {@code [N, C, H, W]}
 * in evaluation mode: one {@code BatchNormalization} with the running statistics (γ = 1 and
 * β = 0 stored as constants when the layer has no affine parameters). A layer that keeps no
 * running statistics normalises with each batch's own in evaluation mode, which ONNX's
 * inference form does not express.
 */
public final class BatchNormExporter implements ModuleExporter<BatchNorm1d> {
    @Override
    public Value export(BatchNorm1d m, Value x, OnnxGraph g) {
        if (!m.tracksRunningStats()) {
            throw g.unsupported(m, "it keeps no running statistics, so evaluation mode uses batch statistics");
        }
        Tensor mean = m.runningMean();
        int c = m.numFeatures();
        String scale = m.weight() != null ? g.initializer("weight", m.weight().value())
                : g.initializer("weight_ones", Tensor.full(1, mean.dtype(), c));
        String shift = m.bias() != null ? g.initializer("bias", m.bias().value())
                : g.initializer("bias_zeros", Tensor.full(0, mean.dtype(), c));
        String out = g.node("BatchNormalization", x.name(), scale, shift, g.initializer("running_mean", mean),
                g.initializer("running_var", m.runningVar())).attr("epsilon", m.eps()).output();
        return g.output(m, x, out);
    }
}
