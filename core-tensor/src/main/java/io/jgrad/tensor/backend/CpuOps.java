package io.jgrad.tensor.backend;

import io.jgrad.tensor.BatchNormKernel;
import io.jgrad.tensor.Blas;
import io.jgrad.tensor.Kernels;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.UpdateKernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cpu} backend: the fastest kernels on ND4J's CPU backend, which read and write host
 * memory directly. GEMM is one direct BLAS call ({@link Blas}); bias, ReLU, column sums, batch
 * norm and the Adam/SGD updates are fused JVM passes ({@link Kernels}, {@link BatchNormKernel},
 * {@link UpdateKernels}); losses read their small logit matrices with one bulk copy. Each kernel
 * takes its fast path for dense row-major float32 (float64 for GEMM) and otherwise the ND4J
 * form it inherits from {@link Nd4jOps}, which it also keeps for the kernels with no faster JVM
 * form (sigmoid, tanh, softmax, the evaluation-mode batch norm, axpy, Adagrad, RMSprop).
 */
final class CpuOps extends Nd4jOps {

    @Override
    public ConvOps conv() {
        return CpuConvOps.INSTANCE;
    }
    @Override
    public Backend backend() {
        return Backend.CPU;
    }

    @Override
    public void write(float[] src, INDArray dst) {
        Kernels.write(src, dst);
    }

    @Override
    public double[] toDoubles(INDArray a) {
        return Kernels.toDoubles(a);
    }

    @Override
    public void gatherRows(float[] source, int rowLength, int[] rows, int from, int to, INDArray dst) {
        Kernels.gatherRows(source, rowLength, rows, from, to, dst);
    }

    @Override
    public INDArray gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta) {
        return Blas.gemm(a, transA, b, transB, c, alpha, beta);
    }

    @Override
    public INDArray addRowVector(INDArray y, INDArray b) {
        return Kernels.addRowVector(y, b);
    }

    @Override
    public INDArray columnSums(INDArray g, INDArray dst, double beta) {
        return Kernels.columnSums(g, dst, beta);
    }

    @Override
    public INDArray relu(INDArray x, INDArray out) {
        return Kernels.relu(x, out);
    }

    @Override
    public INDArray reluBackward(INDArray out, INDArray g, INDArray dst, double beta) {
        return Kernels.reluBackward(out, g, dst, beta);
    }

    @Override
    public BatchNormPass batchNorm(INDArray x, INDArray weight, INDArray bias, double eps, INDArray y) {
        if (BatchNormKernel.fits(x, weight, bias) && Dense.float32(y)) {
            return BatchNormKernel.forward(x, weight, bias, eps, y);
        }
        return super.batchNorm(x, weight, bias, eps, y);
    }

    @Override
    public void sgdMomentum(INDArray p, INDArray g, INDArray buf, double lr, double momentum, double dampening,
                            boolean nesterov, double weightDecay, INDArray scratch) {
        if (Dense.float32All(p, g, buf)) {
            UpdateKernels.sgdMomentum(p, g, buf, lr, momentum, dampening, nesterov, weightDecay);
        } else {
            super.sgdMomentum(p, g, buf, lr, momentum, dampening, nesterov, weightDecay, scratch);
        }
    }

    @Override
    public void adam(INDArray p, INDArray d, INDArray m, INDArray v, INDArray vMax, double beta1, double beta2,
                     double eps, double stepSize, double bias2Sqrt, INDArray scratch) {
        if (vMax == null && Dense.float32All(p, d, m, v)) {
            UpdateKernels.adam(p, d, m, v, beta1, beta2, eps, 0, stepSize, bias2Sqrt);
        } else {
            super.adam(p, d, m, v, vMax, beta1, beta2, eps, stepSize, bias2Sqrt, scratch);
        }
    }

    // --- sequence models ---

    @Override
    public void lstmCell(INDArray gates, INDArray cPrev, INDArray cNew, INDArray hNew) {
        if (CpuRecurrentCells.fits(gates, cPrev, cNew, hNew)) {
            CpuRecurrentCells.lstmCell(gates, cPrev, cNew, hNew);
        } else {
            super.lstmCell(gates, cPrev, cNew, hNew);
        }
    }

    @Override
    public void lstmCellBackward(INDArray act, INDArray cPrev, INDArray cNew, INDArray dh, INDArray dc,
                                 INDArray dGates) {
        if (CpuRecurrentCells.fits(act, cPrev, cNew, dh, dc, dGates)) {
            CpuRecurrentCells.lstmCellBackward(act, cPrev, cNew, dh, dc, dGates);
        } else {
            super.lstmCellBackward(act, cPrev, cNew, dh, dc, dGates);
        }
    }

    @Override
    public void gruCell(INDArray gi, INDArray gh, INDArray hPrev, INDArray hNew) {
        if (CpuRecurrentCells.fits(gi, gh, hPrev, hNew)) {
            CpuRecurrentCells.gruCell(gi, gh, hPrev, hNew);
        } else {
            super.gruCell(gi, gh, hPrev, hNew);
        }
    }

    @Override
    public void gruCellBackward(INDArray act, INDArray gh, INDArray hPrev, INDArray dh, INDArray dGi, INDArray dGh,
                                INDArray dhPrev) {
        if (CpuRecurrentCells.fits(act, gh, hPrev, dh, dGi, dGh, dhPrev)) {
            CpuRecurrentCells.gruCellBackward(act, gh, hPrev, dh, dGi, dGh, dhPrev);
        } else {
            super.gruCellBackward(act, gh, hPrev, dh, dGi, dGh, dhPrev);
        }
    }

    // --- sequence models: integer tensors ---

    @Override
    public LossPass crossEntropy(INDArray logits, INDArray targets, long ignoreIndex) {
        long[] t = toLongs(targets);
        Checks.targets("crossEntropy", logits, t, targets.shape(), ignoreIndex);
        return new CpuCrossEntropy(logits, t, ignoreIndex);
    }

    /** The rows copied on the JVM for a dense float32 table (ND4J's gather costs ~10× more). */
    @Override
    public INDArray embedding(INDArray weight, INDArray indices) {
        if (!Dense.float32(weight) || weight.rank() != 2) {
            return super.embedding(weight, indices);
        }
        long[] ids = toLongs(indices);
        return Kernels.gatherRows(weight, ids, newArray(DataType.FLOAT, ids.length, weight.size(1)));
    }

    @Override
    public INDArray embeddingBackward(INDArray g, INDArray indices, long num) {
        if (!Dense.float32(g) || g.rank() != 2) {
            return super.embeddingBackward(g, indices, num);
        }
        INDArray dw = org.nd4j.linalg.factory.Nd4j.createUninitialized(DataType.FLOAT, num, g.size(1));
        return Kernels.scatterAddRows(g, toLongs(indices), dw);
    }

    /** A JVM pass for float32 {@code x} whose mask repeats over x's leading dimensions (a causal mask, say). */
    @Override
    public INDArray maskedFill(INDArray x, INDArray mask, double value) {
        if (Dense.float32(x) && mask.length() > 0 && repeatsOverLeadingDims(mask, x)) {
            boolean[] set = new boolean[(int) mask.length()];
            double[] m = mask.castTo(DataType.DOUBLE).dup('c').data().asDouble();
            for (int i = 0; i < set.length; i++) {
                set[i] = m[i] != 0;
            }
            return Kernels.maskedFill(x, set, (float) value, newArray(DataType.FLOAT, x.shape()));
        }
        return super.maskedFill(x, mask, value);
    }

    /** Whether {@code mask} is 1 in some leading dimensions of x's rank and equals x's shape in the rest. */
    private static boolean repeatsOverLeadingDims(INDArray mask, INDArray x) {
        if (mask.rank() != x.rank()) {
            return false;
        }
        int d = 0;
        while (d < x.rank() && mask.size(d) == 1 && x.size(d) != 1) {
            d++;
        }
        for (; d < x.rank(); d++) {
            if (mask.size(d) != x.size(d)) {
                return false;
            }
        }
        return true;
    }


    // --- device path ---

    @Override
    LossKernels losses() {
        return HostLosses.INSTANCE;
    }

    /** The host kernel: one draw of {@code rng} per element, then one copy into native memory. */
    @Override
    public INDArray dropoutMask(Rng rng, double p, DataType type, long... shape) {
        double[] m = new double[Math.toIntExact(io.jgrad.tensor.Shapes.size(shape))];
        if (p < 1) {
            double scale = 1 / (1 - p);
            for (int i = 0; i < m.length; i++) {
                m[i] = rng.nextDouble() < p ? 0 : scale;
            }
        }
        if (type != DataType.FLOAT) {
            return Transfers.upload(m, shape).castTo(type);
        }
        INDArray mask = newArray(type, shape);
        write(Transfers.narrowed(m), mask);
        return mask;
    }

    /**
     * The host kernel when the statistics are on the heap: one read and one write of each buffer, in
     * float as PyTorch 2.13's CPU update rounds it ({@code runningMean·(1−m) + mean·m}, two products
     * and a sum; {@code fma(unbiasedVar, m, runningVar·(1−m))}, the unbiased variance rounded to float
     * first), its bits for float32 statistics (BatchNormExactGoldenTest).
     */
    @Override
    public void updateRunningStats(INDArray runningMean, INDArray runningVar, BatchStats batch, double momentum,
                                   double unbias) {
        if (!batch.onHost() || !Dense.float32All(runningMean, runningVar)) {
            super.updateRunningStats(runningMean, runningVar, batch, momentum, unbias);
            return;
        }
        double[] rm = Transfers.readDoubles(runningMean);
        double[] rv = Transfers.readDoubles(runningVar);
        double[] mean = batch.mean();
        double[] var = batch.biasedVar();
        float keep = (float) (1 - momentum);
        float take = (float) momentum;
        float[] m = new float[rm.length];
        float[] v = new float[rv.length];
        runningStats(rm, rv, mean, var, keep, take, unbias, m, v);
        write(m, runningMean);
        write(v, runningVar);
    }

    /**
     * PyTorch's float update of the running statistics, into {@code m} and {@code v}; a loop kept
     * apart from the native reads and writes above, so the JIT's compiles of either stay small
     * (bench/README.md, "First blocks and the JIT").
     */
    private static void runningStats(double[] rm, double[] rv, double[] mean, double[] var, float keep, float take,
                                     double unbias, float[] m, float[] v) {
        for (int c = 0; c < rm.length; c++) {
            m[c] = (float) rm[c] * keep + (float) mean[c] * take;
            v[c] = Math.fma((float) (var[c] * unbias), take, (float) rv[c] * keep);
        }
    }

    // --- recurrent speed ---

    /** The whole-sequence JVM/BLAS form on float32 ({@link CpuLstmPass}), else the general one. */
    @Override
    public RecurrentPass lstmLayer(INDArray x, INDArray wIh, INDArray bIh, INDArray wHh, INDArray bHh, INDArray h0,
                                   INDArray c0) {
        return RecurrentRows.fits(x, wIh, bIh, wHh, bHh, h0, c0) ? new CpuLstmPass(this, x, wIh, bIh, wHh, bHh, h0, c0)
                : super.lstmLayer(x, wIh, bIh, wHh, bHh, h0, c0);
    }

    /** The whole-sequence JVM/BLAS form on float32 ({@link CpuGruPass}), else the general one. */
    @Override
    public RecurrentPass gruLayer(INDArray x, INDArray wIh, INDArray bIh, INDArray wHh, INDArray bHh, INDArray h0) {
        return RecurrentRows.fits(x, wIh, bIh, wHh, bHh, h0) ? new CpuGruPass(this, x, wIh, bIh, wHh, bHh, h0)
                : super.gruLayer(x, wIh, bIh, wHh, bHh, h0);
    }

    // --- transformer speed ---

    @Override
    public LayerNormPass layerNorm(INDArray x, INDArray weight, INDArray bias, double eps, INDArray y) {
        Checks.layerNorm(x, weight, bias, y);
        return CpuLayerNorm.fits(x, weight, bias, y) ? CpuLayerNorm.forward(x, weight, bias, eps, y)
                : super.layerNorm(x, weight, bias, eps, y);
    }

    @Override
    public INDArray gelu(INDArray x) {
        return CpuGelu.fits(x) ? CpuGelu.forward(x, newArray(DataType.FLOAT, x.shape())) : super.gelu(x);
    }

    @Override
    public INDArray geluBackward(INDArray x, INDArray g) {
        return CpuGelu.fits(x, g) && java.util.Arrays.equals(x.shape(), g.shape())
                ? CpuGelu.backward(x, g, newArray(DataType.FLOAT, x.shape())) : super.geluBackward(x, g);
    }

    /** One pass per row in place ({@link CpuSoftmax}), the mask applied inside it. */
    @Override
    public INDArray attentionSoftmax(INDArray scores, boolean causal) {
        if (Dense.float32(scores) && (!causal || scores.rank() == 3)) {
            return CpuSoftmax.forward(scores, causal, scores);
        }
        return super.attentionSoftmax(scores, causal);
    }

    /** One pass per row over the last dimension ({@link CpuSoftmax}); other axes as ND4J ops. */
    @Override
    public INDArray softmax(INDArray x, int axis) {
        if (lastAxis(x, axis) && CpuSoftmax.fits(x)) {
            return CpuSoftmax.forward(x, false, newArray(DataType.FLOAT, x.shape()));
        }
        return super.softmax(x, axis);
    }

    @Override
    public INDArray softmaxBackward(INDArray out, INDArray g, int axis) {
        if (lastAxis(out, axis) && CpuSoftmax.fits(out, g) && java.util.Arrays.equals(out.shape(), g.shape())) {
            return CpuSoftmax.backward(out, g, newArray(DataType.FLOAT, out.shape()));
        }
        return super.softmaxBackward(out, g, axis);
    }

    private static boolean lastAxis(INDArray x, int axis) {
        return x.rank() > 0 && (axis == x.rank() - 1 || axis == -1);
    }

    /** One single-threaded BLAS call per matrix, the matrices split over the cores ({@link Blas#batchedSgemm}). */
    @Override
    public INDArray batchedGemm(INDArray a, boolean transA, INDArray b, boolean transB, double alpha) {
        Checks.batchedGemm(a, transA, b, transB);
        long m = transA ? a.size(2) : a.size(1);
        long n = transB ? b.size(1) : b.size(2);
        if (a.dataType() == DataType.FLOAT && b.dataType() == DataType.FLOAT && m * n > 0 && a.length() > 0
                && b.length() > 0) {
            INDArray c = newArray(DataType.FLOAT, a.size(0), m, n);
            if (Blas.batchedSgemm(a, transA, b, transB, c, alpha)) {
                return c;
            }
        }
        return super.batchedGemm(a, transA, b, transB, alpha);
    }

    /** In place on {@code g} when it is a dense float32 temporary ({@link CpuSoftmax}). */
    @Override
    public INDArray attentionSoftmaxBackward(INDArray attn, INDArray g) {
        if (CpuSoftmax.fits(attn) && Dense.float32(g) && java.util.Arrays.equals(attn.shape(), g.shape())) {
            return CpuSoftmax.backward(attn, g, g);
        }
        return super.attentionSoftmaxBackward(attn, g);
    }

    /** The mask as heap bits, one pass each way ({@link CpuDropout}). */
    @Override
    public DropoutPass dropout(Rng rng, double p, INDArray x) {
        if (CpuDropout.fits(x)) {
            return CpuDropout.forward(rng, p, x, newArray(DataType.FLOAT, x.shape()));
        }
        return super.dropout(rng, p, x);
    }

    // --- W7 speed ---

    /** One {@code cblas_sgemm} per matrix on the operands in place ({@link Blas#stridedBatchedSgemm}). */
    @Override
    public void batchedGemmInto(INDArray a, boolean transA, INDArray b, boolean transB, double alpha, INDArray c) {
        Checks.batchedGemmInto(a, transA, b, transB, c);
        if (!Blas.stridedBatchedSgemm(a, transA, b, transB, alpha, c)) {
            super.batchedGemmInto(a, transA, b, transB, alpha, c);
        }
    }

    // --- MLP loops, fifth pass ---

    /** The host batch norm with the rectifier in its passes, for dense float32 arrays; null otherwise. */
    @Override
    public BatchNormPass batchNormRelu(INDArray x, INDArray weight, INDArray bias, double eps, INDArray y) {
        return BatchNormKernel.fits(x, weight, bias) && Dense.float32(y) ? BatchNormKernel.forward(x, weight, bias, eps, y,
                true) : null;
    }
}
