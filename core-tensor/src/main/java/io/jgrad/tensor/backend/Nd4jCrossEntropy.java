package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The {@code nd4j} backend's fused cross entropy, in ND4J ops only so the logits stay on the
 * device: {@code logp = logSoftmax(x)}, a one-hot of the targets with ignored rows zeroed
 * ({@code pick}), {@code loss = −Σ logp·pick / count}; backward
 * {@code (softmax(x)·valid − pick)·g / max(count, 1)}.
 */
final class Nd4jCrossEntropy implements LossPass {
    private final INDArray logp;
    private final INDArray valid;       // [n, 1] of the logits' type: 1 for a counted row
    private final INDArray pick;        // [n, c] one-hot of the counted targets
    private final INDArray count;       // scalar of the logits' type
    private final INDArray loss;

    Nd4jCrossEntropy(Nd4jOps ops, INDArray logits, INDArray targets, long ignoreIndex) {
        long n = logits.size(0);
        long c = logits.size(1);
        DataType type = logits.dataType();
        this.logp = ops.logSoftmax(logits, 1);
        INDArray counted = targets.neq(ignoreIndex);
        INDArray safe = targets.mul(counted.castTo(DataType.LONG));     // ignored rows point at class 0
        this.valid = counted.castTo(type).reshape('c', new long[] {n, 1});
        this.pick = Nd4j.create(type, n, c);
        Nd4j.exec(new OneHot(safe, pick, (int) c));
        pick.muli(valid);
        this.count = valid.sum();
        this.loss = logp.mul(pick).sum().negi().divi(count);              // 0/0 = NaN when all are ignored
    }

    @Override
    public INDArray value() {
        return loss;
    }

    /** {@code (softmax(x)·valid − pick)·g / max(count, 1)} for the logits, the only input. */
    @Override
    public INDArray[] backward(INDArray g, boolean... wanted) {
        INDArray scale = g.castTo(count.dataType()).div(Transforms.max(count, 1.0, true));
        return new INDArray[] {Transforms.exp(logp, true).muli(valid).subi(pick).muli(scale)};
    }
}
