package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training-mode batch normalisation of dense float32 {@code [N, C, H, W]} as JVM passes over a
 * host copy, one contiguous {@code H·W} plane at a time (no layout change): statistics in double,
 * then {@code y = x·α + β'} with {@code α = γ·invstd}, {@code β' = β − μ·α}; backward PyTorch's
 * closed form {@code dx = (g − (x − μ)·dot·invstd²/M − Σg/M)·invstd·γ}, {@code dγ = dot·invstd},
 * {@code dβ = Σg} with {@code dot = Σ(x − μ)·g} and {@code M = N·H·W}. Channels are independent,
 * so they are split over {@link BatchSplit}'s threads, and each channel's passes run back to
 * back while its {@code N} planes are still in cache.
 */
final class CpuBatchNorm2d {
    private CpuBatchNorm2d() {
    }

    static ConvOps.BatchNorm2dResult forward(INDArray x, INDArray weight, INDArray bias, double eps) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int p = (int) (x.length() / ((long) n * c));
        long m = (long) n * p;
        float[] xs = HostFloats.read(x, HostFloats.IN);
        float[] w = weight == null ? null : HostFloats.read(weight);
        float[] b = bias == null ? null : HostFloats.read(bias);
        float[] y = HostFloats.scratch(HostFloats.OUT, n * c * p);
        double[] mean = new double[c];
        double[] var = new double[c];
        BatchSplit.run(c, (part, from, to) -> {
            for (int j = from; j < to; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += PlaneSums.sum(xs, (i * c + j) * p, p);
                }
                double mu = s / m;
                double v = 0;
                for (int i = 0; i < n; i++) {
                    v += PlaneSums.squaredDeviations(xs, (i * c + j) * p, p, mu);
                }
                mean[j] = mu;
                var[j] = v / m;
                double invstd = 1 / Math.sqrt(var[j] + eps);
                double a = w == null ? invstd : invstd * w[j];
                float alpha = (float) a;
                float beta = (float) ((b == null ? 0 : b[j]) - mu * a);
                for (int i = 0; i < n; i++) {
                    int at = (i * c + j) * p;
                    for (int k = at; k < at + p; k++) {
                        y[k] = xs[k] * alpha + beta;
                    }
                }
            }
        });
        return new ConvOps.BatchNorm2dResult(HostFloats.write(y, x.shape()), mean, var);
    }

    /** The gradients, dx (when {@code dst} is not null) into {@code dst = beta·dst + dx}. */
    static INDArray[] backward(INDArray x, INDArray g, INDArray weight, ConvOps.BatchNorm2dResult fwd, double eps,
                               INDArray dst, double beta) {
        boolean needX = dst != null;
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int p = (int) (x.length() / ((long) n * c));
        long m = (long) n * p;
        float[] xs = HostFloats.read(x, HostFloats.IN);
        float[] gs = HostFloats.read(g, HostFloats.IN2);
        float[] w = weight == null ? null : HostFloats.read(weight);
        float[] out = needX ? HostFloats.scratch(HostFloats.OUT, n * c * p) : null;
        double[] mean = fwd.mean();
        double[] sum = new double[c];
        double[] dot = new double[c];
        double[] invstd = new double[c];
        BatchSplit.run(c, (part, from, to) -> {
            for (int j = from; j < to; j++) {
                invstd[j] = 1 / Math.sqrt(fwd.biasedVar()[j] + eps);
                for (int i = 0; i < n; i++) {
                    int at = (i * c + j) * p;
                    sum[j] += PlaneSums.sum(gs, at, p);
                    dot[j] += PlaneSums.centredDot(xs, gs, at, p, mean[j]);
                }
                if (needX) {
                    float mu = (float) mean[j];
                    float k2 = (float) (dot[j] * invstd[j] * invstd[j] / m);
                    float gm = (float) (sum[j] / m);
                    float scale = (float) (invstd[j] * (w == null ? 1 : w[j]));
                    for (int i = 0; i < n; i++) {
                        int at = (i * c + j) * p;
                        for (int k = at; k < at + p; k++) {
                            out[k] = (gs[k] - (xs[k] - mu) * k2 - gm) * scale;
                        }
                    }
                }
            }
        });
        if (needX) {
            HostFloats.store(out, dst, beta);
        }
        if (weight == null) {
            return new INDArray[] {dst, null, null};
        }
        float[] dw = new float[c];
        float[] db = new float[c];
        for (int j = 0; j < c; j++) {
            dw[j] = (float) (dot[j] * invstd[j]);
            db[j] = (float) sum[j];
        }
        return new INDArray[] {dst, HostFloats.write(dw, c), HostFloats.write(db, c)};
    }
}
