package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fused losses of the {@code cpu} backend: one stable pass over a heap copy of the inputs,
 * accumulated in double, and the closed-form gradient in one more pass. On ND4J's CPU backend one
 * copy out and one copy in beat the half-dozen native calls (10-300 µs each) the same math costs
 * as ND4J ops ({@link DeviceLosses}, the {@code nd4j} backend's form of the same formulas).
 */
enum HostLosses implements LossKernels {
    INSTANCE;

    @Override
    public LossPass crossEntropy(INDArray logits, ClassLabels labels, double eps) {
        int n = (int) logits.size(0);
        int c = (int) logits.size(1);
        double[] logp = HeapLogSoftmax.of(Transfers.readDoubles(logits), n, c, 1.0);
        double[] sums = crossEntropySums(logp, labels, n, c, eps);
        double wSum = sums[0];
        double loss = (1 - eps) * sums[1] / wSum + (eps > 0 ? eps / c * sums[2] / wSum : 0);
        double all = sums[3];
        DataType type = logits.dataType();
        return DeviceLosses.pass(Transfers.uploadScalar(type, loss), (g, wanted) -> {
            double scale = Transfers.readDouble(g, 0) / wSum;
            double[] dx = crossEntropyGradient(logp, labels, n, c, eps, all, scale);
            return new INDArray[] {array(dx, logits.shape(), type)};
        });
    }

    /**
     * The cross-entropy's sums over the log-probabilities {@code logp [n, c]}: the labels' summed
     * weight, the weighted negative log-likelihood, the label-smoothing term and the classes'
     * summed weight. Loops only: see {@link #array} for why they live apart from ND4J calls.
     */
    private static double[] crossEntropySums(double[] logp, ClassLabels labels, int n, int c, double eps) {
        double wTotal = 0;
        for (int j = 0; j < c; j++) {
            wTotal += labels.weight(j);
        }
        double wSum = 0;
        double nll = 0;
        double smooth = 0;
        for (int i = 0; i < n; i++) {
            double wi = labels.weight(labels.label(i));
            wSum += wi;
            nll -= wi * logp[i * c + labels.label(i)];
            if (eps > 0) {
                for (int j = 0; j < c; j++) {
                    smooth -= labels.weight(j) * logp[i * c + j];
                }
            }
        }
        return new double[] {wSum, nll, smooth, wTotal};
    }

    /** The closed-form cross-entropy gradient, {@code scale ·} (softmax − smoothed weighted one-hot). */
    private static double[] crossEntropyGradient(double[] logp, ClassLabels labels, int n, int c, double eps,
                                                 double all, double scale) {
        double[] dx = new double[n * c];
        for (int i = 0; i < n; i++) {
            int y = labels.label(i);
            double hard = (1 - eps) * labels.weight(y);
            for (int j = 0; j < c; j++) {
                double p = Math.exp(logp[i * c + j]);
                double d = hard * (p - (j == y ? 1 : 0));
                if (eps > 0) {
                    d += eps / c * (all * p - labels.weight(j));
                }
                dx[i * c + j] = scale * d;
            }
        }
        return dx;
    }

    @Override
    public LossPass mse(INDArray prediction, INDArray target) {
        double[] p = Transfers.readDoubles(prediction);
        double[] t = Transfers.readDoubles(target);
        int n = p.length;
        double[] diff = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            diff[i] = p[i] - t[i];
            sum += diff[i] * diff[i];
        }
        DataType type = prediction.dataType();
        return DeviceLosses.pass(Transfers.uploadScalar(type, sum / n), (g, wanted) -> {
            INDArray dp = array(scaled(diff, 2 * Transfers.readDouble(g, 0) / n), prediction.shape(), type);
            return new INDArray[] {wanted[0] ? dp : null, wanted[1] ? dp.neg() : null};
        });
    }

    @Override
    public LossPass bceWithLogits(INDArray logits, INDArray targets) {
        double[] x = Transfers.readDoubles(logits);
        double[] y = Transfers.readDoubles(targets);
        int n = x.length;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double m = Math.max(-x[i], 0);
            sum += (1 - y[i]) * x[i] + m + Math.log(Math.exp(-m) + Math.exp(-x[i] - m));
        }
        DataType type = logits.dataType();
        return DeviceLosses.pass(Transfers.uploadScalar(type, sum / n), (g, wanted) -> {
            double scale = Transfers.readDouble(g, 0) / n;
            double[] dx = new double[n];
            for (int i = 0; i < n; i++) {
                dx[i] = scale * (sigmoid(x[i]) - y[i]);
            }
            INDArray dy = wanted[1] ? array(scaled(x, -scale), logits.shape(), type) : null;
            return new INDArray[] {wanted[0] ? array(dx, logits.shape(), type) : null, dy};
        });
    }

    @Override
    public LossPass klDivergence(INDArray logq, INDArray target) {
        double batch = logq.size(0);
        double[] in = Transfers.readDoubles(logq);
        double[] t = Transfers.readDoubles(target);
        double sum = 0;
        for (int i = 0; i < in.length; i++) {
            if (t[i] > 0) {
                sum += t[i] * (Math.log(t[i]) - in[i]);
            }
        }
        DataType type = logq.dataType();
        return DeviceLosses.pass(Transfers.uploadScalar(type, sum / batch), (g, wanted) -> {
            double scale = Transfers.readDouble(g, 0) / batch;
            INDArray dIn = wanted[0] ? array(scaled(t, -scale), logq.shape(), type) : null;
            INDArray dT = null;
            if (wanted[1]) {
                double[] d = new double[t.length];
                for (int i = 0; i < t.length; i++) {
                    d[i] = t[i] > 0 ? scale * (Math.log(t[i]) + 1 - in[i]) : 0;
                }
                dT = array(d, logq.shape(), type);
            }
            return new INDArray[] {dIn, dT};
        });
    }

    @Override
    public LossPass distillation(INDArray s, INDArray teacherLogits, ClassLabels labels, double temperature,
                                 double alpha) {
        int n = (int) s.size(0);
        int c = (int) s.size(1);
        double[] sHost = Transfers.readDoubles(s);
        double[] student = HeapLogSoftmax.of(sHost, n, c, temperature);
        double[] teacher = HeapLogSoftmax.of(Transfers.readDoubles(teacherLogits), n, c, temperature);
        double[] plain = labels == null ? null : HeapLogSoftmax.of(sHost, n, c, 1.0);
        double kl = 0;
        double ce = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                double p = Math.exp(teacher[i * c + j]);
                if (p > 0) {
                    kl += p * (teacher[i * c + j] - student[i * c + j]);
                }
            }
            if (plain != null) {
                ce -= plain[i * c + labels.label(i)];
            }
        }
        double loss = alpha * temperature * temperature * kl / n + (plain != null ? (1 - alpha) * ce / n : 0);
        DataType type = s.dataType();
        return DeviceLosses.pass(Transfers.uploadScalar(type, loss), (g, wanted) -> {
            double scale = Transfers.readDouble(g, 0) / n;
            double[] dx = new double[n * c];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < c; j++) {
                    int k = i * c + j;
                    double d = alpha * temperature * (Math.exp(student[k]) - Math.exp(teacher[k]));
                    if (plain != null) {
                        d += (1 - alpha) * (Math.exp(plain[k]) - (j == labels.label(i) ? 1 : 0));
                    }
                    dx[k] = scale * d;
                }
            }
            return new INDArray[] {array(dx, s.shape(), type)};
        });
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    private static double[] scaled(double[] a, double s) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] * s;
        }
        return out;
    }

    /**
     * A new array of {@code type} holding {@code data} (a step temporary for float32).
     *
     * <p>Why the loops of this class live in methods of their own, apart from the ND4J calls:
     * the JIT compiles a method whose loop runs hot while it runs (on-stack replacement), and
     * again when it is called often, and each compile inlines everything the method calls. A
     * loop beside an array's creation made each of those compiles inline ND4J's whole creation
     * path: W3's first 2,000 steps spent ~1.5 s of the one C2 thread's time on this class's
     * cross-entropy alone (six compiles of 25-40 KB of code), while the step ran in slower code
     * waiting for them (bench/README.md, "First blocks and the JIT").
     */
    private static INDArray array(double[] data, long[] shape, DataType type) {
        if (type == DataType.DOUBLE) {
            return Transfers.upload(data, shape);
        }
        INDArray a = io.jgrad.tensor.StepScope.newArray(DataType.FLOAT, shape);
        Transfers.write(Transfers.narrowed(data), a);
        return a;
    }
}
