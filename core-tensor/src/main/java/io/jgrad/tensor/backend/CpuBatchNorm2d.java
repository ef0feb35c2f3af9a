package io.jgrad.tensor.backend;

import io.jgrad.tensor.StepScope;
import java.util.Arrays;
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
        return forward(x, weight, bias, eps, null, null);
    }

    /**
     * {@link #forward}, then ReLU and max pooling with {@code pool} of each normalised plane while it
     * is in the thread's scratch: the normalised array is never written out. Each window's winner
     * (and the ReLU's mask) is recorded in output order, as {@link CpuPool2d#reluMax} records it.
     */
    static ConvOps.BatchNorm2dPoolResult forwardReluMaxPool(INDArray x, INDArray weight, INDArray bias, double eps,
                                                           Conv2dSpec pool) {
        CpuPool2d.Planes planes = new CpuPool2d.Planes(x.shape(), pool);
        byte[] winners = new byte[planes.planes * planes.oh * planes.ow];
        return new ConvOps.BatchNorm2dPoolResult(forward(x, weight, bias, eps, pool, winners), winners);
    }

    /**
     * The backward of {@link #forwardReluMaxPool} for the pooled output's gradient {@code g}: each
     * channel's dense output gradient is rebuilt in scratch from the windows' gradients and winners
     * (what the pooling's and the ReLU's backward would have written), then the batch norm's.
     */
    static INDArray[] backwardReluMaxPool(INDArray x, INDArray g, INDArray weight, ConvOps.BatchNorm2dPoolResult fwd,
                                          double eps, Conv2dSpec pool, INDArray dst, double beta) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int p = (int) (x.length() / ((long) n * c));
        CpuPool2d.Planes planes = new CpuPool2d.Planes(x.shape(), pool);
        int po = planes.oh * planes.ow;
        HostSpan gBuf = Transfers.hostView(HostFloats.dense(g));
        byte[] winners = fwd.winners();
        ChannelGrad source = (j, gs) -> {
            float[] pooled = HostFloats.scratch(2, n * po);           // slot 2 is the conv's, free here
            HostFloats.gather(gBuf, (long) j * po, (long) c * po, n, po, pooled);
            Arrays.fill(gs, 0, n * p, 0f);
            for (int i = 0; i < n; i++) {
                CpuPool2d.unpoolPlane(pooled, i * po, winners, (i * c + j) * po, gs, i * p, planes, pool);
            }
        };
        ConvOps.BatchNorm2dResult norm = fwd.norm();
        return backward(x, source, weight, norm.mean(), norm.biasedVar(), eps, dst, beta);
    }

    /** The forward; with a {@code pool}, the output is the pooled rectified planes and {@code winners} is filled. */
    private static ConvOps.BatchNorm2dResult forward(INDArray x, INDArray weight, INDArray bias, double eps,
                                                     Conv2dSpec pool, byte[] winners) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int p = (int) (x.length() / ((long) n * c));
        long m = (long) n * p;
        float[] w = weight == null ? null : HostFloats.read(weight);
        float[] b = bias == null ? null : HostFloats.read(bias);
        CpuPool2d.Planes planes = pool == null ? null : new CpuPool2d.Planes(x.shape(), pool);
        int po = pool == null ? p : planes.oh * planes.ow;
        INDArray out = StepScope.newArray(DataType.FLOAT, pool == null ? x.shape() : planes.outShape());
        HostSpan xBuf = Transfers.hostView(x);
        HostSpan outBuf = Transfers.hostView(out);
        double[] mean = new double[c];
        double[] var = new double[c];
        Parallel.forRange("batch_norm2d", c, 1, (from, to) -> {
            float[] xs = HostFloats.scratch(HostFloats.IN, n * p);
            float[] y = HostFloats.scratch(HostFloats.OUT, n * p);
            float[] pooled = pool == null ? null : HostFloats.scratch(HostFloats.IN2, n * po);
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
                if (pool == null) {
                    HostFloats.scatter(y, outBuf, (long) j * p, (long) c * p, n, p, 0);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    CpuPool2d.poolPlane(y, i * p, pooled, i * po, winners, (i * c + j) * po, planes, pool, true);
                }
                HostFloats.scatter(pooled, outBuf, (long) j * po, (long) c * po, n, po, 0);
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
        HostSpan gBuf = Transfers.hostView(HostFloats.dense(g));
        return backward(x, (j, gs) -> HostFloats.gather(gBuf, (long) j * p, (long) c * p, n, p, gs), weight,
                fwd.mean(), fwd.biasedVar(), eps, dst, beta);
    }

    /** One channel's output gradient, its {@code N} planes into {@code gs} as one run. */
    private interface ChannelGrad {
        void fill(int channel, float[] gs);
    }

    private static INDArray[] backward(INDArray x, ChannelGrad source, INDArray weight, double[] mean, double[] var,
                                       double eps, INDArray dst, double beta) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int p = (int) (x.length() / ((long) n * c));
        long m = (long) n * p;
        boolean needX = dst != null;
        float[] w = weight == null ? null : HostFloats.read(weight);
        HostSpan xBuf = Transfers.hostView(x);
        INDArray into = needX ? HostFloats.direct(dst) : null;
        double intoBeta = needX ? HostFloats.betaFor(dst, into, beta) : 0;
        HostSpan dxBuf = needX ? Transfers.hostView(into) : null;
        double[] sum = new double[c];
        double[] dot = new double[c];
        double[] invstd = new double[c];
        Parallel.forRange("batch_norm2d backward", c, 1, (from, to) -> {
            float[] xs = HostFloats.scratch(HostFloats.IN, n * p);
            float[] gs = HostFloats.scratch(HostFloats.IN2, n * p);
            float[] out = HostFloats.scratch(HostFloats.OUT, n * p);
            for (int j = (int) from; j < to; j++) {
                HostFloats.gather(xBuf, (long) j * p, (long) c * p, n, p, xs);
                source.fill(j, gs);
                invstd[j] = 1 / Math.sqrt(var[j] + eps);
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
