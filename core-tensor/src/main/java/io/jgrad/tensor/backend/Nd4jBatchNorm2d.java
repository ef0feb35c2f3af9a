package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Training-mode batch normalisation of {@code [N, C, H, W]} with ND4J reductions over
 * {@code (0, 2, 3)} and per-channel broadcasts only (no host pointer): the same formulas as
 * {@link CpuBatchNorm2d}, for the {@code nd4j} backend and for float64. Statistics are computed
 * in the input's type and stay ND4J arrays ({@link BatchStats}), as PyTorch's CUDA kernel keeps
 * float32 statistics on the device.
 */
final class Nd4jBatchNorm2d {
    private static final int[] OVER = {0, 2, 3};

    private Nd4jBatchNorm2d() {
    }

    static ConvOps.BatchNorm2dResult forward(INDArray x, INDArray weight, INDArray bias, double eps) {
        INDArray mean = x.mean(OVER);
        INDArray var = x.var(false, OVER);
        INDArray invstd = Transforms.pow(var.add(eps), -0.5, false);
        INDArray alpha = weight == null ? invstd : invstd.mul(weight.castTo(invstd.dataType()));
        INDArray beta = mean.mul(alpha).negi();
        if (bias != null) {
            beta.addi(bias.castTo(beta.dataType()));
        }
        INDArray y = x.mul(channel(alpha, x)).addi(channel(beta, x));
        return new ConvOps.BatchNorm2dResult(y, BatchStats.of(mean, var));
    }

    static INDArray[] backward(INDArray x, INDArray g, INDArray weight, ConvOps.BatchNorm2dResult fwd, double eps,
                               boolean needX) {
        long m = x.length() / x.size(1);
        INDArray mean = fwd.stats().meanArray();
        INDArray invstd = Transforms.pow(fwd.stats().varArray().add(eps), -0.5, false);
        INDArray centred = x.sub(channel(mean, x));
        INDArray sum = g.castTo(mean.dataType()).sum(OVER);
        INDArray dot = centred.mul(g).castTo(mean.dataType()).sum(OVER);
        INDArray dx = null;
        if (needX) {
            INDArray k2 = dot.mul(invstd).muli(invstd).divi(m);
            INDArray scale = weight == null ? invstd : invstd.mul(weight.castTo(invstd.dataType()));
            dx = g.sub(centred.muli(channel(k2, x))).subi(channel(sum.div(m), x)).muli(channel(scale, x));
        }
        if (weight == null) {
            return new INDArray[] {dx, null, null};
        }
        return new INDArray[] {dx, dot.mul(invstd).castTo(weight.dataType()), sum.castTo(weight.dataType())};
    }

    /** A per-channel vector as {@code [1, C, 1, 1]} of {@code like}'s type, for broadcasting. */
    private static INDArray channel(INDArray v, INDArray like) {
        return v.castTo(like.dataType()).reshape(1, v.length(), 1, 1);
    }
}
