package io.jgrad.tensor.backend;

import io.jgrad.tensor.StepScope;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training-mode batch normalisation of dense float32 {@code [N, C, H, W]} as JVM passes, one
 * contiguous {@code H·W} plane at a time (no layout change): statistics in double, then
 * {@code y = x·α + β'} with {@code α = γ·invstd}, {@code β' = β − μ·α}; backward PyTorch's
 * closed form {@code dx = (g − (x − μ)·dot·invstd²/M − Σg/M)·invstd·γ}, {@code dγ = dot·invstd},
 * {@code dβ = Σg} with {@code dot = Σ(x − μ)·g} and {@code M = N·H·W}. Channels are independent,
 * so they are split over {@link Parallel}'s threads; each thread copies one channel's {@code N}
 * planes from native memory into its scratch, runs that channel's passes while they are in cache,
 * and copies the result planes straight back (no whole-array host copy on the calling thread).
 */
final class CpuBatchNorm2d {
    private CpuBatchNorm2d() {
    }

    static ConvOps.BatchNorm2dResult forward(INDArray x, INDArray weight, INDArray bias, double eps) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int p = (int) (x.length() / ((long) n * c));
        long m = (long) n * p;
        float[] w = weight == null ? null : HostFloats.read(weight);
        float[] b = bias == null ? null : HostFloats.read(bias);
        INDArray out = StepScope.newArray(DataType.FLOAT, x.shape());
        FloatBuffer xBuf = HostFloats.buffer(x);
        FloatBuffer outBuf = HostFloats.buffer(out);
        double[] mean = new double[c];
        double[] var = new double[c];
        Parallel.forRange("batch_norm2d", c, 1, (from, to) -> {
            float[] xs = HostFloats.scratch(HostFloats.IN, n * p);
            float[] y = HostFloats.scratch(HostFloats.OUT, n * p);
            for (int j = (int) from; j < to; j++) {
                HostFloats.gather(xBuf, (long) j * p, (long) c * p, n, p, xs);
                double mu = PlaneSums.sum(xs, 0, n * p) / m;     // the channel's planes are one run in xs
                mean[j] = mu;
                var[j] = PlaneSums.squaredDeviations(xs, 0, n * p, mu) / m;
                double invstd = 1 / Math.sqrt(var[j] + eps);
                double a = w == null ? invstd : invstd * w[j];
                float alpha = (float) a;
                float beta = (float) ((b == null ? 0 : b[j]) - mu * a);
                for (int k = 0; k < n * p; k++) {
                    y[k] = xs[k] * alpha + beta;
                }
                HostFloats.scatter(y, outBuf, (long) j * p, (long) c * p, n, p, 0);
            }
        });
        return new ConvOps.BatchNorm2dResult(out, mean, var);
    }

    /** The gradients, dx (when {@code dst} is not null) into {@code dst = beta·dst + dx}. */
    static INDArray[] backward(INDArray x, INDArray g, INDArray weight, ConvOps.BatchNorm2dResult fwd, double eps,
                               INDArray dst, double beta) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int p = (int) (x.length() / ((long) n * c));
        long m = (long) n * p;
        boolean needX = dst != null;
        float[] w = weight == null ? null : HostFloats.read(weight);
        FloatBuffer xBuf = HostFloats.buffer(x);
        FloatBuffer gBuf = HostFloats.buffer(HostFloats.dense(g));
        INDArray into = needX ? HostFloats.direct(dst) : null;
        double intoBeta = needX ? HostFloats.betaFor(dst, into, beta) : 0;
        FloatBuffer dxBuf = needX ? HostFloats.buffer(into) : null;
        double[] mean = fwd.mean();
        double[] sum = new double[c];
        double[] dot = new double[c];
        double[] invstd = new double[c];
        Parallel.forRange("batch_norm2d backward", c, 1, (from, to) -> {
            float[] xs = HostFloats.scratch(HostFloats.IN, n * p);
            float[] gs = HostFloats.scratch(HostFloats.IN2, n * p);
            float[] out = HostFloats.scratch(HostFloats.OUT, n * p);
            for (int j = (int) from; j < to; j++) {
                HostFloats.gather(xBuf, (long) j * p, (long) c * p, n, p, xs);
                HostFloats.gather(gBuf, (long) j * p, (long) c * p, n, p, gs);
                invstd[j] = 1 / Math.sqrt(fwd.biasedVar()[j] + eps);
                sum[j] = PlaneSums.sum(gs, 0, n * p);
                dot[j] = PlaneSums.centredDot(xs, gs, 0, n * p, mean[j]);
                if (needX) {
                    float mu = (float) mean[j];
                    float k2 = (float) (dot[j] * invstd[j] * invstd[j] / m);
                    float gm = (float) (sum[j] / m);
                    float scale = (float) (invstd[j] * (w == null ? 1 : w[j]));
                    for (int k = 0; k < n * p; k++) {
                        out[k] = (gs[k] - (xs[k] - mu) * k2 - gm) * scale;
                    }
                    HostFloats.scatter(out, dxBuf, (long) j * p, (long) c * p, n, p, intoBeta);
                }
            }
        });
        if (needX) {
            HostFloats.settle(dst, into, beta);
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
