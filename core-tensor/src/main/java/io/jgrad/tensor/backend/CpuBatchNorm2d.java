package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training-mode batch normalisation of dense float32 {@code [N, C, H, W]} as JVM passes over a
 * host copy, one contiguous {@code H·W} plane at a time (no layout change): statistics in double,
 * then {@code y = x·α + β'} with {@code α = γ·invstd}, {@code β' = β − μ·α}; backward PyTorch's
 * closed form {@code dx = (g − (x − μ)·dot·invstd²/M − Σg/M)·invstd·γ}, {@code dγ = dot·invstd},
 * {@code dβ = Σg} with {@code dot = Σ(x − μ)·g} and {@code M = N·H·W}.
 */
final class CpuBatchNorm2d {
    private CpuBatchNorm2d() {
    }

    static ConvOps.BatchNorm2dResult forward(INDArray x, INDArray weight, INDArray bias, double eps) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int p = (int) (x.length() / ((long) n * c));
        float[] xs = HostFloats.read(x);
        double[] mean = new double[c];
        double[] var = new double[c];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                int at = (i * c + j) * p;
                double s = 0;
                for (int k = 0; k < p; k++) {
                    s += xs[at + k];
                }
                mean[j] += s;
            }
        }
        long m = (long) n * p;
        for (int j = 0; j < c; j++) {
            mean[j] /= m;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                int at = (i * c + j) * p;
                double s = 0;
                for (int k = 0; k < p; k++) {
                    double d = xs[at + k] - mean[j];
                    s += d * d;
                }
                var[j] += s;
            }
        }
        float[] w = weight == null ? null : HostFloats.read(weight);
        float[] b = bias == null ? null : HostFloats.read(bias);
        float[] y = new float[xs.length];
        for (int j = 0; j < c; j++) {
            var[j] /= m;
        }
        for (int j = 0; j < c; j++) {
            double invstd = 1 / Math.sqrt(var[j] + eps);
            double a = w == null ? invstd : invstd * w[j];
            float alpha = (float) a;
            float beta = (float) ((b == null ? 0 : b[j]) - mean[j] * a);
            for (int i = 0; i < n; i++) {
                int at = (i * c + j) * p;
                for (int k = 0; k < p; k++) {
                    y[at + k] = xs[at + k] * alpha + beta;
                }
            }
        }
        return new ConvOps.BatchNorm2dResult(HostFloats.write(y, x.shape()), mean, var);
    }

    static INDArray[] backward(INDArray x, INDArray g, INDArray weight, ConvOps.BatchNorm2dResult fwd, double eps,
                               boolean needX) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int p = (int) (x.length() / ((long) n * c));
        long m = (long) n * p;
        float[] xs = HostFloats.read(x);
        float[] gs = HostFloats.read(g);
        double[] mean = fwd.mean();
        double[] sum = new double[c];
        double[] dot = new double[c];
        double[] invstd = new double[c];
        for (int j = 0; j < c; j++) {
            invstd[j] = 1 / Math.sqrt(fwd.biasedVar()[j] + eps);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                int at = (i * c + j) * p;
                double s = 0;
                double d = 0;
                for (int k = 0; k < p; k++) {
                    s += gs[at + k];
                    d += (xs[at + k] - mean[j]) * gs[at + k];
                }
                sum[j] += s;
                dot[j] += d;
            }
        }
        INDArray dx = null;
        if (needX) {
            float[] w = weight == null ? null : HostFloats.read(weight);
            float[] out = new float[xs.length];
            for (int j = 0; j < c; j++) {
                float mu = (float) mean[j];
                float k2 = (float) (dot[j] * invstd[j] * invstd[j] / m);
                float gm = (float) (sum[j] / m);
                float scale = (float) (invstd[j] * (w == null ? 1 : w[j]));
                for (int i = 0; i < n; i++) {
                    int at = (i * c + j) * p;
                    for (int k = 0; k < p; k++) {
                        out[at + k] = (gs[at + k] - (xs[at + k] - mu) * k2 - gm) * scale;
                    }
                }
            }
            dx = HostFloats.write(out, x.shape());
        }
        if (weight == null) {
            return new INDArray[] {dx, null, null};
        }
        float[] dw = new float[c];
        float[] db = new float[c];
        for (int j = 0; j < c; j++) {
            dw[j] = (float) (dot[j] * invstd[j]);
            db[j] = (float) sum[j];
        }
        return new INDArray[] {dx, HostFloats.write(dw, c), HostFloats.write(db, c)};
    }
}
