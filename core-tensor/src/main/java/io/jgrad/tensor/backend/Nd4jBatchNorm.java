package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalisation of {@code [N, C]} as ND4J ops, for the {@code nd4j} backend and for the
 * types and layouts the {@code cpu} backend's kernel skips. Training mode follows PyTorch's
 * kernel with the statistics in the input's type kept as ND4J arrays (as its CUDA kernel does;
 * {@link BatchStats}), {@code y = x·α + β} with {@code α = γ·invstd},
 * {@code β = bias − mean·α}; backward is its closed form with {@code Σdy} and
 * {@code dot = Σ(x − mean)·dy}: {@code dx = (dy − (x − mean)·dot·invstd²/N − Σdy/N)·invstd·γ},
 * {@code dγ = dot·invstd}, {@code dβ = Σdy}. Row broadcasts go through {@link Nd4jBroadcasts}.
 */
final class Nd4jBatchNorm {
    private Nd4jBatchNorm() {
    }

    static BatchNormPass train(INDArray x, INDArray weight, INDArray bias, double eps, INDArray y) {
        DataType type = x.dataType();
        long n = x.size(0);
        INDArray centered = x.dup('c');
        INDArray mean = centered.mean(0);
        Nd4jBroadcasts.rowSubi(centered, mean);
        INDArray var = centered.mul(centered).mean(0);
        INDArray invstd = Transforms.pow(var.add(eps), -0.5, false);
        INDArray gamma = weight == null ? null : weight.castTo(type);
        INDArray alpha = gamma == null ? invstd : invstd.mul(gamma);
        INDArray beta = mean.mul(alpha).negi();
        if (bias != null) {
            beta.addi(bias.castTo(type));
        }
        y.assign(Nd4jBroadcasts.rowAddi(Nd4jBroadcasts.rowMuli(x.dup(), alpha), beta));
        BatchStats stats = BatchStats.of(mean, var);
        return new BatchNormPass() {
            @Override
            public BatchStats stats() {
                return stats;
            }

            @Override
            public double[] mean() {
                return stats.mean();
            }

            @Override
            public double[] var() {
                return stats.biasedVar();
            }

            @Override
            public void backward(INDArray g, INDArray dx, double betaX, INDArray dWeight, double betaW, INDArray dBias,
                                 double betaB) {
                INDArray gd = g.castTo(type);
                INDArray sum = gd.sum(0);
                INDArray dot = centered.mul(gd).sum(0);
                if (dx != null) {
                    INDArray k = dot.mul(invstd).muli(invstd).divi(n);
                    INDArray scale = gamma == null ? invstd : invstd.mul(gamma);
                    INDArray d = Nd4jBroadcasts.rowMuli(Nd4jBroadcasts.rowSubi(gd.sub(Nd4jBroadcasts.rowMuli(centered.dup(), k)), sum.div(n)), scale);
                    Nd4jOps.accumulate(dx, d, betaX);
                }
                if (dWeight != null) {
                    Nd4jOps.accumulate(dWeight, dot.mul(invstd), betaW);
                }
                if (dBias != null) {
                    Nd4jOps.accumulate(dBias, sum, betaB);
                }
            }
        };
    }

    static BatchNormPass eval(INDArray x, INDArray weight, INDArray bias, INDArray mean, INDArray var, double eps,
                              INDArray y) {
        DataType type = x.dataType();
        INDArray invstd = Transforms.pow(var.castTo(type).add(eps), -0.5, false);
        INDArray m = mean.castTo(type);
        INDArray scale = weight == null ? invstd : invstd.mul(weight);
        INDArray shift = m.mul(scale).negi();
        if (bias != null) {
            shift.addi(bias);
        }
        y.assign(Nd4jBroadcasts.rowAddi(Nd4jBroadcasts.rowMuli(x.dup(), scale), shift));
        return new BatchNormPass() {
            @Override
            public BatchStats stats() {
                return BatchStats.of(mean, var);
            }

            @Override
            public double[] mean() {
                return stats().mean();
            }

            @Override
            public double[] var() {
                return stats().biasedVar();
            }

            @Override
            public void backward(INDArray g, INDArray dx, double betaX, INDArray dWeight, double betaW, INDArray dBias,
                                 double betaB) {
                if (dx != null) {
                    Nd4jOps.accumulate(dx, Nd4jBroadcasts.rowMuli(g.dup(), scale), betaX);
                }
                if (dWeight != null) {
                    Nd4jOps.accumulate(dWeight, g.mul(Nd4jBroadcasts.rowMuli(Nd4jBroadcasts.rowSubi(x.dup(), m), invstd)).sum(0), betaW);
                }
                if (dBias != null) {
                    Nd4jOps.accumulate(dBias, g.sum(0), betaB);
                }
            }
        };
    }
}
