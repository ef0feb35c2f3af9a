package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The fused losses of the {@code nd4j} backend as ND4J ops: the loss stays a scalar array and the
 * backward multiplies by the output gradient as an array, so neither the logits, the loss nor
 * the gradient is read into the JVM (on a GPU, no copy and no stall). Computed in the inputs'
 * type, as PyTorch does. The formulas are {@link Ops}'s; the {@code cpu} backend's
 * {@link HostLosses} computes the same on a heap copy.
 */
enum DeviceLosses implements LossKernels {
    INSTANCE;

    /** Row-wise {@code log softmax(x / T)} of {@code [n, c]}, stable. */
    static INDArray logSoftmaxRows(INDArray x, double temperature) {
        INDArray z = temperature == 1 ? x.dup('c') : x.div(temperature);
        Nd4jBroadcasts.columnSubi(z, z.max(true, 1));
        return Nd4jBroadcasts.columnSubi(z, Transforms.log(Transforms.exp(z, true).sum(true, 1), false));
    }

    @Override
    public LossPass crossEntropy(INDArray logits, ClassLabels labels, double eps) {
        int c = (int) logits.size(1);
        INDArray logp = logSoftmaxRows(logits, 1.0);
        INDArray hot = labels.oneHot(logits.dataType());
        INDArray w = labels.weightRow(logits.dataType());
        INDArray hardW = w == null ? hot : Nd4jBroadcasts.rowMuli(hot.dup(), w);
        INDArray wSum = hardW.sum();
        INDArray total = hardW.mul(logp).sum().muli(-(1 - eps));
        if (eps > 0) {
            total.addi((w == null ? logp : Nd4jBroadcasts.rowMuli(logp.dup(), w)).sum().muli(-eps / c));
        }
        INDArray loss = total.divi(wSum);
        return pass(loss, (g, wanted) -> {
            INDArray p = Transforms.exp(logp, true);
            INDArray d = Nd4jBroadcasts.columnMuli(p.sub(hot), hardW.sum(true, 1)).muli(1 - eps);
            if (eps > 0) {
                INDArray smooth = w == null ? p.mul(c).subi(1.0) : Nd4jBroadcasts.rowSubi(p.mul(w.sum()), w);
                d.addi(smooth.muli(eps / c));
            }
            return new INDArray[] {d.muli(g.div(wSum))};
        });
    }

    @Override
    public LossPass mse(INDArray prediction, INDArray target) {
        long n = prediction.length();
        INDArray diff = prediction.sub(target);
        INDArray loss = diff.mul(diff).sum().divi(n);
        return pass(loss, (g, wanted) -> {
            INDArray dp = diff.mul(g).muli(2.0 / n);
            return new INDArray[] {wanted[0] ? dp : null, wanted[1] ? dp.neg() : null};
        });
    }

    @Override
    public LossPass bceWithLogits(INDArray x, INDArray y) {
        long n = x.length();
        INDArray m = Transforms.max(x.neg(), 0.0, false);
        INDArray lse = Transforms.log(Transforms.exp(m.neg(), false).addi(Transforms.exp(x.neg().subi(m), false)), false);
        INDArray loss = y.rsub(1.0).muli(x).addi(m).addi(lse).sum().divi(n);
        return pass(loss, (g, wanted) -> {
            INDArray scale = g.div(n);
            INDArray dx = wanted[0] ? Transforms.sigmoid(x, true).subi(y).muli(scale) : null;
            INDArray dy = wanted[1] ? x.mul(scale).negi() : null;
            return new INDArray[] {dx, dy};
        });
    }

    @Override
    public LossPass klDivergence(INDArray logq, INDArray t) {
        double batch = logq.size(0);
        INDArray positive = t.gt(0.0).castTo(t.dataType());
        INDArray logT = Transforms.log(t.add(positive.rsub(1.0)), false);   // log t, 0 where t == 0
        INDArray loss = t.mul(logT.sub(logq)).muli(positive).sum().divi(batch);
        return pass(loss, (g, wanted) -> {
            INDArray scale = g.div(batch);
            INDArray dIn = wanted[0] ? t.mul(scale).negi() : null;
            INDArray dT = wanted[1] ? logT.add(1.0).subi(logq).muli(positive).muli(scale) : null;
            return new INDArray[] {dIn, dT};
        });
    }

    @Override
    public LossPass distillation(INDArray s, INDArray t, ClassLabels labels, double temperature, double alpha) {
        long n = s.size(0);
        INDArray student = logSoftmaxRows(s, temperature);
        INDArray teacher = logSoftmaxRows(t, temperature);
        INDArray pt = Transforms.exp(teacher, true);
        INDArray loss = pt.mul(teacher.sub(student)).sum().muli(alpha * temperature * temperature / n);
        INDArray plain = labels == null ? null : logSoftmaxRows(s, 1.0);
        INDArray hot = labels == null ? null : labels.oneHot(s.dataType());
        if (plain != null) {
            loss.addi(hot.mul(plain).sum().muli(-(1 - alpha) / n));
        }
        return pass(loss, (g, wanted) -> {
            INDArray d = Transforms.exp(student, true).subi(pt).muli(alpha * temperature);
            if (plain != null) {
                d.addi(Transforms.exp(plain, true).subi(hot).muli(1 - alpha));
            }
            return new INDArray[] {d.muli(g.div(n))};
        });
    }

    /** The backward of a {@link LossPass}. */
    interface Backward {
        INDArray[] apply(INDArray g, boolean[] wanted);
    }

    static LossPass pass(INDArray loss, Backward backward) {
        return new LossPass() {
            @Override
            public INDArray value() {
                return loss;
            }

            @Override
            public INDArray[] backward(INDArray g, boolean... wanted) {
                return backward.apply(g, wanted);
            }
        };
    }
}
