package io.jgrad.tensor.backend;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.StepScope;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.comparison.CompareAndSet;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Max;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.updaters.AdaGradUpdater;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The {@code nd4j} backend: every kernel as ND4J ops ({@code INDArray} methods,
 * {@code Nd4j.gemm}, {@link Transforms}, {@code Nd4j.exec} of ND4J's own ops), with no host
 * pointer, no direct BLAS call and no JVM loop over native memory, so it runs wherever ND4J
 * runs, its CUDA backend included. The only heap copies are the explicit transfers
 * ({@link #write}, {@link #toDoubles}, {@link #gatherRows}), done through ND4J's own API. Results
 * go into the caller's arrays where ND4J allows, since every temporary is native memory that
 * only the garbage collector frees. {@code CpuOps} extends this class and keeps these kernels
 * for the layouts and types its fast paths skip.
 */
class Nd4jOps implements Ops {

    @Override
    public ConvOps conv() {
        return Nd4jConvOps.INSTANCE;
    }

    @Override
    public Backend backend() {
        return Backend.ND4J;
    }

    @Override
    public INDArray newArray(DataType type, long... shape) {
        return StepScope.newArray(type, shape);
    }

    /** One transfer through ND4J's buffer API (a host-to-device copy on CUDA), no temporary array. */
    @Override
    public void write(float[] src, INDArray dst) {
        if (src.length == 0) {
            return;
        }
        Transfers.write(src, dst);
    }

    @Override
    public double[] toDoubles(INDArray a) {
        return Transfers.readDoubles(a);
    }

    @Override
    public void gatherRows(float[] source, int rowLength, int[] rows, int from, int to, INDArray dst) {
        float[] batch = new float[(to - from) * rowLength];
        for (int r = from; r < to; r++) {
            System.arraycopy(source, rows[r] * rowLength, batch, (r - from) * rowLength, rowLength);
        }
        write(batch, dst);
    }

    @Override
    public INDArray gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta) {
        Checks.gemm(a, transA, b, transB, c);
        return Nd4j.gemm(a, b, c, transA, transB, alpha, beta);
    }

    @Override
    public INDArray addRowVector(INDArray y, INDArray b) {
        return Nd4jBroadcasts.rowAddi(y, b);
    }

    @Override
    public INDArray columnSums(INDArray g, INDArray dst, double beta) {
        if (beta == 0 && g.dataType() == dst.dataType() && dst.rank() == 1) {
            Nd4j.exec(new Sum(g, dst, 0));                // straight into dst, no temporary
            return dst;
        }
        return accumulate(dst, g.sum(0).reshape(dst.shape()), beta);
    }

    @Override
    public INDArray relu(INDArray x, INDArray out) {
        Nd4j.exec(new RectifiedLinear(x, out));
        return out;
    }

    @Override
    public INDArray reluBackward(INDArray out, INDArray g, INDArray dst, double beta) {
        if (beta == 0) {                                  // no temporary: the mask goes straight into dst
            Nd4j.exec(new Step(out, dst));
            return dst.muli(g);
        }
        return accumulate(dst, Transforms.step(out, true).muli(g), beta);
    }

    @Override
    public INDArray sigmoid(INDArray x) {
        return Transforms.sigmoid(x, true);
    }

    @Override
    public INDArray sigmoidBackward(INDArray out, INDArray g) {
        return out.rsub(1.0).muli(out).muli(g);
    }

    @Override
    public INDArray tanh(INDArray x) {
        return Transforms.tanh(x, true);
    }

    @Override
    public INDArray tanhBackward(INDArray out, INDArray g) {
        return out.mul(out).rsubi(1.0).muli(g);
    }

    @Override
    public INDArray softmax(INDArray x, int axis) {
        INDArray out = Transforms.exp(x.sub(x.max(true, axis)), false);
        return out.divi(out.sum(true, axis));
    }

    @Override
    public INDArray softmaxBackward(INDArray out, INDArray g, int axis) {
        INDArray dot = g.mul(out).sum(true, axis);
        return g.sub(dot).muli(out);
    }

    @Override
    public INDArray logSoftmax(INDArray x, int axis) {
        INDArray out = x.sub(x.max(true, axis));
        return out.subi(Transforms.log(Transforms.exp(out, true).sum(true, axis), false));
    }

    @Override
    public INDArray logSoftmaxBackward(INDArray out, INDArray g, int axis) {
        return g.sub(Transforms.exp(out, true).muli(g.sum(true, axis)));
    }

    @Override
    public BatchNormPass batchNorm(INDArray x, INDArray weight, INDArray bias, double eps, INDArray y) {
        return Nd4jBatchNorm.train(x, weight, bias, eps, y);
    }

    @Override
    public BatchNormPass batchNormEval(INDArray x, INDArray weight, INDArray bias, INDArray mean, INDArray var,
                                       double eps, INDArray y) {
        return Nd4jBatchNorm.eval(x, weight, bias, mean, var, eps, y);
    }

    @Override
    public INDArray axpy(INDArray x, double alpha, INDArray y, INDArray out) {
        Nd4j.exec(new Axpy(y, x, out, alpha));
        return out;
    }

    @Override
    public void sgdMomentum(INDArray p, INDArray g, INDArray buf, double lr, double momentum, double dampening,
                            boolean nesterov, double weightDecay, INDArray scratch) {
        INDArray d = weightDecay == 0 ? g : axpy(g, weightDecay, p, scratch);
        axpy(buf.muli(momentum), 1 - dampening, d, buf);
        axpy(p, -lr, nesterov ? axpy(d, momentum, buf, scratch) : buf, p);
    }

    @Override
    public void adam(INDArray p, INDArray d, INDArray m, INDArray v, INDArray vMax, double beta1, double beta2,
                     double eps, double stepSize, double bias2Sqrt, INDArray t) {
        axpy(m.muli(beta1), 1 - beta1, d, m);
        axpy(v.muli(beta2), 1 - beta2, mul(d, d, t), v);
        INDArray vHat = v;
        if (vMax != null) {
            Nd4j.exec(new Max(vMax, v, vMax));
            vHat = vMax;
        }
        sqrt(vHat, t).divi(bias2Sqrt).addi(eps);
        axpy(p, -stepSize, div(m, t, t), p);
    }

    /**
     * libnd4j's fused {@code adagrad_updater} computes exactly this update; it replaces
     * {@code eps = 0} by 1e-7, so that case takes separate in-place calls.
     */
    @Override
    public void adagrad(INDArray p, INDArray d, INDArray sum, double clr, double eps, INDArray t) {
        if (eps != 0) {
            Nd4j.exec(new AdaGradUpdater(d, sum, t, sum, clr, eps));
            p.subi(t);
        } else {
            sum.addi(mul(d, d, t));
            axpy(p, -clr, div(d, sqrt(sum, t), t), p);
        }
    }

    @Override
    public void rmsprop(INDArray p, INDArray d, INDArray squareAvg, INDArray gradAvg, INDArray buf, double lr,
                        double alpha, double eps, double momentum, INDArray t) {
        axpy(squareAvg.muli(alpha), 1 - alpha, mul(d, d, t), squareAvg);
        if (gradAvg != null) {
            axpy(gradAvg.muli(alpha), 1 - alpha, d, gradAvg);
            axpy(squareAvg, -1, mul(gradAvg, gradAvg, t), t);
            sqrt(t, t);
        } else {
            sqrt(squareAvg, t);
        }
        div(d, t.addi(eps), t);
        axpy(p, -lr, buf != null ? buf.muli(momentum).addi(t) : t, p);
    }

    // --- sequence models: integer tensors ---

    @Override
    public INDArray maskedFill(INDArray x, INDArray mask, double value) {
        INDArray set = mask.dataType() == DataType.BOOL ? mask : mask.neq(0);
        INDArray out = newArray(x.dataType(), x.shape());
        if (Double.isNaN(value) || !x.dataType().isFPType()) {     // the fast path marks "keep x" with NaN
            INDArray cond = Arrays.equals(set.shape(), x.shape()) ? set : set.broadcast(x.shape());
            INDArray fill = Nd4j.valueArrayOf(x.shape(), value, x.dataType());
            Nd4j.exec(DynamicCustomOp.builder("select").addInputs(cond, fill, x).addOutputs(out).build());
            return out;
        }
        // libnd4j's select is ~5x slower than a pairwise op: at mask size, pick = set ? value : NaN;
        // broadcast it by an add; then out = (pick is a number) ? pick : x, one CompareAndSet
        INDArray pick = Nd4j.create(x.dataType(), set.shape());
        Nd4j.exec(DynamicCustomOp.builder("select").addInputs(set, Nd4j.valueArrayOf(set.shape(), value, x.dataType()),
                Nd4j.valueArrayOf(set.shape(), Double.NaN, x.dataType())).addOutputs(pick).build());
        INDArray picks = Arrays.equals(pick.shape(), x.shape()) ? pick : Nd4j.zeros(x.dataType(), x.shape()).addi(pick);
        Nd4j.exec(new CompareAndSet(x, picks, out, Conditions.greaterThanOrEqual(Double.NEGATIVE_INFINITY)));
        return out;
    }

    @Override
    public INDArray embedding(INDArray weight, INDArray indices) {
        return Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(weight, indices).addIntegerArguments(0).build())[0];
    }

    @Override
    public INDArray embeddingBackward(INDArray g, INDArray indices, long num) {
        INDArray dw = Nd4j.zeros(g.dataType(), num, g.size(1));
        Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(dw, indices, g).addOutputs(dw).build());
        return dw;
    }

    @Override
    public LossPass crossEntropy(INDArray logits, INDArray targets, long ignoreIndex) {
        if (targets.length() != logits.size(0)) {
            throw new IllegalArgumentException("crossEntropy: logits have " + logits.size(0) + " rows but there are "
                    + targets.length() + " targets " + Arrays.toString(targets.shape()));
        }
        return new Nd4jCrossEntropy(this, logits, targets.reshape('c', new long[] {targets.length()}), ignoreIndex);
    }

    /** The INT64 {@code a} in row-major order on the heap (one transfer). */
    static long[] toLongs(INDArray a) {
        return Transfers.readLongs(a);
    }

    /** {@code dst = beta·dst + v} ({@code v} converted to dst's type). */
    static INDArray accumulate(INDArray dst, INDArray v, double beta) {
        INDArray w = v.dataType() == dst.dataType() ? v : v.castTo(dst.dataType());
        return beta == 0 ? dst.assign(w) : dst.muli(beta).addi(w);
    }

    private static INDArray mul(INDArray a, INDArray b, INDArray out) {
        Nd4j.exec(new MulOp(a, b, out));
        return out;
    }

    private static INDArray div(INDArray a, INDArray b, INDArray out) {
        Nd4j.exec(new DivOp(a, b, out));
        return out;
    }

    private static INDArray sqrt(INDArray a, INDArray out) {
        Nd4j.exec(new Sqrt(a, out));
        return out;
    }

    // --- sequence models ---

    @Override
    public void lstmCell(INDArray gates, INDArray cPrev, INDArray cNew, INDArray hNew) {
        Nd4jSequenceKernels.lstmCell(gates, cPrev, cNew, hNew);
    }

    @Override
    public void lstmCellBackward(INDArray act, INDArray cPrev, INDArray cNew, INDArray dh, INDArray dc,
                                 INDArray dGates) {
        Nd4jSequenceKernels.lstmCellBackward(act, cPrev, cNew, dh, dc, dGates);
    }

    @Override
    public void gruCell(INDArray gi, INDArray gh, INDArray hPrev, INDArray hNew) {
        Nd4jSequenceKernels.gruCell(gi, gh, hPrev, hNew);
    }

    @Override
    public void gruCellBackward(INDArray act, INDArray gh, INDArray hPrev, INDArray dh, INDArray dGi, INDArray dGh,
                                INDArray dhPrev) {
        Nd4jSequenceKernels.gruCellBackward(act, gh, hPrev, dh, dGi, dGh, dhPrev);
    }

    @Override
    public INDArray batchedGemm(INDArray a, boolean transA, INDArray b, boolean transB, double alpha) {
        return Nd4jSequenceKernels.batchedGemm(a, transA, b, transB, alpha);
    }

    @Override
    public void maskAboveDiagonal(INDArray scores, double value) {
        Nd4jSequenceKernels.maskAboveDiagonal(scores, value);
    }

    // --- device path ---

    /** The fused losses: ND4J ops here; the cpu backend overrides this with its host kernels. */
    LossKernels losses() {
        return DeviceLosses.INSTANCE;
    }

    @Override
    public LossPass crossEntropy(INDArray logits, ClassLabels labels, double labelSmoothing) {
        return losses().crossEntropy(logits, labels, labelSmoothing);
    }

    @Override
    public LossPass mse(INDArray prediction, INDArray target) {
        return losses().mse(prediction, target);
    }

    @Override
    public LossPass bceWithLogits(INDArray logits, INDArray targets) {
        return losses().bceWithLogits(logits, targets);
    }

    @Override
    public LossPass klDivergence(INDArray logProbs, INDArray probs) {
        return losses().klDivergence(logProbs, probs);
    }

    @Override
    public LossPass distillation(INDArray student, INDArray teacher, ClassLabels labels, double temperature,
                                 double alpha) {
        return losses().distillation(student, teacher, labels, temperature, alpha);
    }

    @Override
    public INDArray sumAll(INDArray a) {
        return a.isEmpty() ? Nd4j.zeros(a.dataType()) : a.sum();
    }

    @Override
    public INDArray mulScalar(INDArray a, INDArray s) {
        return a.mul(s);
    }

    /**
     * ND4J's own generator (this thread's, re-seeded), so the mask is drawn where the array lives:
     * a Bernoulli(1−p) draw scaled by 1/(1−p).
     */
    @Override
    public INDArray dropoutMask(Rng rng, double p, DataType type, long... shape) {
        INDArray mask = Nd4j.createUninitialized(type, shape);
        if (p >= 1) {
            return mask.assign(0);
        }
        Random random = Nd4j.getRandom();
        random.setSeed(rng.nextLong());
        Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, 1 - p), random);
        return mask.muli(1 / (1 - p));
    }

    @Override
    public INDArray fill(INDArray s, DataType type, long... shape) {
        INDArray out = Nd4j.zeros(type, shape);
        if (!out.isEmpty()) {
            Nd4j.exec(new AddOp(out, s.dataType() == type ? s : s.castTo(type), out));   // a broadcast, no read
        }
        return out;
    }

    @Override
    public void updateRunningStats(INDArray runningMean, INDArray runningVar, BatchStats batch, double momentum,
                                   double unbias) {
        INDArray mean = batch.meanArray().castTo(runningMean.dataType());
        INDArray var = batch.varArray().castTo(runningVar.dataType());
        axpy(runningMean.muli(1 - momentum), momentum, mean, runningMean);
        axpy(runningVar.muli(1 - momentum), momentum * unbias, var, runningVar);
    }

    // --- recurrent speed ---

    @Override
    public RecurrentPass lstmLayer(INDArray x, INDArray wIh, INDArray bIh, INDArray wHh, INDArray bHh, INDArray h0,
                                   INDArray c0) {
        return new Nd4jRecurrentPasses.Lstm(this, x, wIh, bIh, wHh, bHh, h0, c0);
    }

    @Override
    public RecurrentPass gruLayer(INDArray x, INDArray wIh, INDArray bIh, INDArray wHh, INDArray bHh, INDArray h0) {
        return new Nd4jRecurrentPasses.Gru(this, x, wIh, bIh, wHh, bHh, h0);
    }

    // --- transformer speed ---

    @Override
    public LayerNormPass layerNorm(INDArray x, INDArray weight, INDArray bias, double eps, INDArray y) {
        Checks.layerNorm(x, weight, bias, y);
        return Nd4jLayerNorm.forward(x, weight, bias, eps, y);
    }

    @Override
    public INDArray gelu(INDArray x) {
        return x.mul(cdf(x));
    }

    @Override
    public INDArray geluBackward(INDArray x, INDArray g) {
        INDArray pdf = Transforms.exp(x.mul(x).muli(-0.5), false).muli(1 / Math.sqrt(2 * Math.PI));
        return pdf.muli(x).addi(cdf(x)).muli(g);
    }

    /** {@code Φ(x) = (1 + erf(x/√2))/2}, a new array. */
    private static INDArray cdf(INDArray x) {
        return NdArrays.erfInPlace(x.mul(1 / Math.sqrt(2))).addi(1).muli(0.5);
    }

    @Override
    public INDArray attentionSoftmax(INDArray scores, boolean causal) {
        if (causal) {
            maskAboveDiagonal(scores, Double.NEGATIVE_INFINITY);
        }
        return softmax(scores, scores.rank() - 1);
    }

    @Override
    public INDArray attentionSoftmaxBackward(INDArray attn, INDArray g) {
        return softmaxBackward(attn, g, attn.rank() - 1);
    }

    @Override
    public DropoutPass dropout(Rng rng, double p, INDArray x) {
        INDArray mask = dropoutMask(rng, p, x.dataType(), x.shape());
        INDArray y = x.mul(mask);
        return new DropoutPass() {
            @Override
            public INDArray output() {
                return y;
            }

            @Override
            public INDArray backward(INDArray g) {
                return g.mul(mask);
            }
        };
    }

    // --- W7 speed ---

    /** Through {@link #batchedGemm} on row-major copies, then one assignment into {@code c}. */
    @Override
    public void batchedGemmInto(INDArray a, boolean transA, INDArray b, boolean transB, double alpha, INDArray c) {
        Checks.batchedGemmInto(a, transA, b, transB, c);
        long batch = a.size(0) * a.size(1);
        INDArray r = batchedGemm(a.dup('c').reshape('c', batch, a.size(2), a.size(3)), transA,
                b.dup('c').reshape('c', batch, b.size(2), b.size(3)), transB, alpha);
        c.assign(r.reshape('c', c.shape()));
    }
}
