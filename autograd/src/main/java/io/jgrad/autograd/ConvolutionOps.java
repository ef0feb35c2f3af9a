package io.jgrad.autograd;

import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.Conv2dSpec;
import io.jgrad.tensor.backend.ConvOps;
import io.jgrad.tensor.backend.Dense;
import io.jgrad.tensor.backend.Ops;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The convolution op family over images {@code [N, C, H, W]}: 2-d cross-correlation and max /
 * average pooling, PyTorch's {@code F.conv2d}, {@code F.max_pool2d} and {@code F.avg_pool2d}.
 * Shapes are checked here, with messages naming the op and the shapes; the arithmetic is the
 * backend's {@link ConvOps}. Grouped convolution is the per-group convolutions joined along
 * channels, so both backends get it from their plain kernel.
 */
final class ConvolutionOps {
    private ConvolutionOps() {
    }

    static Variable conv2d(Variable x, Variable weight, Variable bias, int stride, int padding, int dilation, int groups) {
        long[] xs = x.shape();
        long[] ws = weight.shape();
        String call = "conv2d(input " + Shapes.str(xs) + ", weight " + Shapes.str(ws)
                + (bias == null ? "" : ", bias " + Shapes.str(bias.shape())) + ", groups=" + groups + ")";
        if (groups < 1 || ws.length != 4 || ws[0] % groups != 0) {
            throw new IllegalArgumentException(call + ": weight must be [out, in/groups, kH, kW] with out divisible by groups");
        }
        if (xs.length != 4 || xs[1] != ws[1] * groups) {
            throw new IllegalArgumentException(call + ": expected input [N, " + ws[1] * groups + ", H, W], got "
                    + Shapes.str(xs));
        }
        if (bias != null && (bias.value().rank() != 1 || bias.value().size() != ws[0])) {
            throw new IllegalArgumentException(call + ": bias must be [" + ws[0] + "]");
        }
        ElementwiseOps.checkSameType("conv2d", x, weight);
        Conv2dSpec s = new Conv2dSpec((int) ws[2], (int) ws[3], stride, stride, padding, padding, dilation, dilation);
        checkWindow("conv2d", xs, s);
        if (groups > 1) {
            return grouped(x, weight, bias, stride, padding, dilation, groups);
        }
        INDArray xa = dense(x);
        INDArray wa = dense(weight);
        INDArray ba = bias == null ? null : dense(bias);
        // a weight gradient to come: the forward keeps its columns for it, returned after the backward
        ConvOps conv = Ops.get().conv();
        ConvOps.Conv2dResult r = GradMode.isRecording() && weight.requiresGrad()
                ? conv.conv2dKeepingColumns(xa, wa, ba, s) : new ConvOps.Conv2dResult(conv.conv2d(xa, wa, ba, s), null);
        INDArray y = r.output();
        AccumulatingGradFn back = (g, sink) -> {
            GradSink.Target dx = sink.requires(0) ? sink.target(0) : null;
            GradSink.Target dw = sink.requires(1) ? sink.target(1) : null;     // written in place, as Linear's
            INDArray[] d = Ops.get().conv().conv2dBackwardInto(xa, wa, bias != null, g, s, dx == null ? null : dx.array(),
                    dx == null ? 0 : dx.beta(), dw == null ? null : dw.array(), dw == null ? 0 : dw.beta(),
                    bias != null && sink.requires(2), r);
            if (!sink.graphRetained()) {
                r.release();
            }
            if (bias != null) {
                sink.add(2, d[2]);
            }
        };
        return bias == null ? Variable.fromAccumulatingOp("conv2d", y, back, x, weight)
                : Variable.fromAccumulatingOp("conv2d", y, back, x, weight, bias);
    }

    private static Variable grouped(Variable x, Variable weight, Variable bias, int stride, int padding, int dilation,
                                    int groups) {
        long in = weight.shape()[1];
        long out = weight.shape()[0] / groups;
        Variable[] parts = new Variable[groups];
        for (int k = 0; k < groups; k++) {
            parts[k] = conv2d(x.narrow(1, k * in, in), weight.narrow(0, k * out, out),
                    bias == null ? null : bias.narrow(0, k * out, out), stride, padding, dilation, 1);
        }
        return Variable.cat(1, parts);
    }

    static Variable maxPool2d(Variable x, int kernel, int stride, int padding) {
        Conv2dSpec s = poolSpec("maxPool2d", x, kernel, stride, padding);
        INDArray xa = dense(x);
        ConvOps.MaxPool2dResult r = Ops.get().conv().maxPool2d(xa, s);
        return Variable.fromAccumulatingOp("maxPool2d", r.output(), (g, sink) -> {
            GradSink.Target dx = sink.target(0);
            Ops.get().conv().maxPool2dBackward(xa, g, s, r, dx.array(), dx.beta());
        }, x);
    }

    /**
     * {@code maxPool2d(relu(x))} as one node where the backend has the fused kernel
     * ({@link ConvOps#reluMaxPool2d}): the same values and gradient, without the rectified array
     * and the ReLU's two passes over it; otherwise the two ops composed.
     */
    static Variable reluMaxPool2d(Variable x, int kernel, int stride, int padding) {
        Conv2dSpec s = poolSpec("maxPool2d", x, kernel, stride, padding);       // the op the user wrote
        INDArray xa = dense(x);
        ConvOps.MaxPool2dResult r = Ops.get().conv().reluMaxPool2d(xa, s);
        if (r == null) {
            return maxPool2d(x.relu(), kernel, stride, padding);
        }
        return Variable.fromAccumulatingOp("reluMaxPool2d", r.output(), (g, sink) -> {
            GradSink.Target dx = sink.target(0);
            Ops.get().conv().maxPool2dBackward(xa, g, s, r, dx.array(), dx.beta());
        }, x);
    }

    static Variable avgPool2d(Variable x, int kernel, int stride, int padding) {
        Conv2dSpec s = poolSpec("avgPool2d", x, kernel, stride, padding);
        long[] shape = x.shape();
        return Variable.fromOp("avgPool2d", Ops.get().conv().avgPool2d(dense(x), s),
                g -> new INDArray[] {Ops.get().conv().avgPool2dBackward(shape, g, s)}, x);
    }

    static Variable batchNorm2d(Variable x, Variable weight, Variable bias, double eps, double[] mean, double[] var) {
        Functional.BatchNormResult r = batchNorm2d(x, weight, bias, eps);
        if (mean != null) {
            copyStats(r.mean(), mean);
        }
        if (var != null) {
            copyStats(r.biasedVar(), var);
        }
        return r.output();
    }

    static Functional.BatchNormResult batchNorm2d(Variable x, Variable weight, Variable bias, double eps) {
        checkBatchNorm2d(x, weight, bias);
        INDArray xa = dense(x);
        INDArray wa = weight == null ? null : dense(weight);
        ConvOps.BatchNorm2dResult r = Ops.get().conv().batchNorm2d(xa, wa, bias == null ? null : dense(bias), eps);
        AccumulatingGradFn back = (g, sink) -> {
            GradSink.Target dx = sink.requires(0) ? sink.target(0) : null;
            INDArray[] d = Ops.get().conv().batchNorm2dBackward(xa, g, wa, r, eps, dx == null ? null : dx.array(),
                    dx == null ? 0 : dx.beta());
            if (weight != null) {
                sink.add(1, d[1]);
                sink.add(2, d[2]);
            }
        };
        Variable y = weight == null ? Variable.fromAccumulatingOp("batchNorm2d", r.output(), back, x)
                : Variable.fromAccumulatingOp("batchNorm2d", r.output(), back, x, weight, bias);
        return new Functional.BatchNormResult(y, r.stats());
    }

    /**
     * {@code x·α + β} per channel: with no graph to record, the backend's one-pass kernel
     * ({@link ConvOps#channelAffine}); otherwise the composed broadcasting ops, with their gradients.
     */
    static Variable channelAffine(Variable x, Variable alpha, Variable beta) {
        long[] xs = x.shape();
        if (xs.length < 2 || alpha.value().size() != xs[1] || beta.value().size() != xs[1]) {
            throw new IllegalArgumentException("channelAffine: input " + Shapes.str(xs) + " must be [N, C, ...] with alpha "
                    + "and beta of C elements, got " + Shapes.str(alpha.shape()) + " and " + Shapes.str(beta.shape()));
        }
        ElementwiseOps.checkSameType("channelAffine", x, alpha);
        ElementwiseOps.checkSameType("channelAffine", x, beta);
        if (GradMode.isRecording() && (x.requiresGrad() || alpha.requiresGrad() || beta.requiresGrad())) {
            long[] perChannel = Shapes.along(xs.length, 1, xs[1]);
            return x.mul(alpha.reshape(perChannel)).add(beta.reshape(perChannel));
        }
        INDArray y = Ops.get().conv().channelAffine(dense(x), alpha.value().array(), beta.value().array());
        return Variable.constant(Tensor.wrap(y));
    }

    private static void checkBatchNorm2d(Variable x, Variable weight, Variable bias) {
        long[] xs = x.shape();
        if ((weight == null) != (bias == null) || xs.length != 4 || xs[0] * xs[2] * xs[3] == 0
                || weight != null && (weight.value().size() != xs[1] || bias.value().size() != xs[1])) {
            throw new IllegalArgumentException("batchNorm2d: input " + Shapes.str(xs) + " must be [N, C, H, W] (not empty)"
                    + (weight == null ? "" : " with weight and bias of size C, got " + Shapes.str(weight.shape()) + " and "
                    + (bias == null ? "none" : Shapes.str(bias.shape()))));
        }
    }

    /**
     * {@code maxPool2d(relu(batchNorm2d(x)))}, training mode, as one node where the backend has the
     * fused kernel ({@link ConvOps#batchNorm2dReluMaxPool2d}): the same values, statistics and
     * gradients, without the normalised and rectified arrays; otherwise the ops composed.
     */
    static Functional.BatchNormResult batchNorm2dReluMaxPool2d(Variable x, Variable weight, Variable bias, double eps,
                                                              int kernel, int stride, int padding) {
        checkBatchNorm2d(x, weight, bias);
        Conv2dSpec s = poolSpec("maxPool2d", x, kernel, stride, padding);       // the op the user wrote
        INDArray xa = dense(x);
        INDArray wa = weight == null ? null : dense(weight);
        ConvOps.BatchNorm2dPoolResult r = Ops.get().conv().batchNorm2dReluMaxPool2d(xa, wa,
                bias == null ? null : dense(bias), eps, s);
        if (r == null) {
            Functional.BatchNormResult bn = batchNorm2d(x, weight, bias, eps);
            return new Functional.BatchNormResult(reluMaxPool2d(bn.output(), kernel, stride, padding), bn.stats());
        }
        AccumulatingGradFn back = (g, sink) -> {
            GradSink.Target dx = sink.requires(0) ? sink.target(0) : null;
            INDArray[] d = Ops.get().conv().batchNorm2dReluMaxPool2dBackward(xa, g, wa, r, eps, s,
                    dx == null ? null : dx.array(), dx == null ? 0 : dx.beta());
            if (weight != null) {
                sink.add(1, d[1]);
                sink.add(2, d[2]);
            }
        };
        INDArray out = r.norm().output();
        Variable y = weight == null ? Variable.fromAccumulatingOp("batchNorm2d_relu_maxPool2d", out, back, x)
                : Variable.fromAccumulatingOp("batchNorm2d_relu_maxPool2d", out, back, x, weight, bias);
        return new Functional.BatchNormResult(y, r.norm().stats());
    }

    private static void copyStats(double[] from, double[] to) {
        if (to != null) {
            if (to.length != from.length) {
                throw new IllegalArgumentException("batchNorm2d: statistics array of length " + to.length
                        + " for " + from.length + " channels");
            }
            System.arraycopy(from, 0, to, 0, from.length);
        }
    }

    private static Conv2dSpec poolSpec(String op, Variable x, int kernel, int stride, int padding) {
        long[] xs = x.shape();
        if (xs.length != 4) {
            throw new IllegalArgumentException(op + ": expected input [N, C, H, W], got " + Shapes.str(xs));
        }
        if (kernel < 1 || stride < 1 || padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException(op + ": kernel " + kernel + ", stride " + stride + ", padding " + padding
                    + " must be positive, positive and at most half the kernel");
        }
        Conv2dSpec s = Conv2dSpec.square(kernel, stride, padding, 1);
        checkWindow(op, xs, s);
        return s;
    }

    private static void checkWindow(String op, long[] xs, Conv2dSpec s) {
        if (s.outH(xs[2]) < 1 || s.outW(xs[3]) < 1) {
            throw new IllegalArgumentException(op + ": input " + Shapes.str(xs) + " is smaller than the window ("
                    + s + ")");
        }
    }

    /**
     * The value as the kernels read it: itself when its elements are its buffer's in row-major order
     * (a reshape of a dense array included: {@code Unflatten}'s view of the batch), else a dense copy.
     */
    private static INDArray dense(Variable v) {
        INDArray a = v.value().array();
        return a.ordering() == 'c' && !a.isView() || Dense.readableRowMajor(a) ? a : a.dup('c');
    }
}
