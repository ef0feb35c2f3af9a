package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Layer normalisation of the rows of {@code x [R, C]} as ND4J ops, for the {@code nd4j} backend
 * and the layouts the {@code cpu} kernel skips: {@code x̂ = (x − mean)·rstd},
 * {@code rstd = 1/√(var + eps)} with the biased variance, {@code y = x̂·γ + β}; backward
 * {@code dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))} with {@code ĝ = g·γ}, which is PyTorch's
 * per-row formula rearranged.
 */
final class Nd4jLayerNorm {
    private Nd4jLayerNorm() {
    }

    static LayerNormPass forward(INDArray x, INDArray weight, INDArray bias, double eps, INDArray y) {
        DataType type = x.dataType();
        long c = x.size(1);
        INDArray mean = x.mean(true, 1);
        INDArray xhat = Nd4jBroadcasts.columnSubi(x.dup(), mean);
        INDArray rstd = Transforms.pow(xhat.mul(xhat).mean(true, 1).addi(eps), -0.5, false);
        Nd4jBroadcasts.columnMuli(xhat, rstd);
        INDArray gamma = weight == null ? null : weight.castTo(type).reshape(1, c);
        y.assign(gamma == null ? xhat
                : Nd4jBroadcasts.rowAddi(Nd4jBroadcasts.rowMuli(xhat.dup(), gamma), bias.castTo(type).reshape(1, c)));
        return (g, dx, betaX, dWeight, betaW, dBias, betaB) -> {
            INDArray gd = g.castTo(type);
            if (dWeight != null) {
                Nd4jOps.accumulate(dWeight, gd.mul(xhat).sum(0).reshape(dWeight.shape()), betaW);
            }
            if (dBias != null) {
                Nd4jOps.accumulate(dBias, gd.sum(0).reshape(dBias.shape()), betaB);
            }
            if (dx != null) {
                INDArray gh = gamma == null ? gd.dup() : Nd4jBroadcasts.rowMuli(gd.dup(), gamma);
                INDArray dot = gh.mul(xhat).mean(true, 1);
                INDArray d = Nd4jBroadcasts.columnSubi(gh, gh.mean(true, 1)).subi(Nd4jBroadcasts.columnMuli(xhat.dup(), dot));
                Nd4jBroadcasts.columnMuli(d, rstd);
                Nd4jOps.accumulate(dx, d.reshape(dx.shape()), betaX);
            }
        };
    }
}
