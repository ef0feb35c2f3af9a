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
        float[] f = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            f[i] = (float) m[i];
        }
        INDArray mask = newArray(type, shape);
        write(f, mask);
        return mask;
    }

    /** The host kernel when the statistics are on the heap: one read and one write of each buffer. */
    @Override
    public void updateRunningStats(INDArray runningMean, INDArray runningVar, BatchStats batch, double momentum,
                                   double unbias) {
        if (!batch.onHost() || !Dense.float32All(runningMean, runningVar)) {
            super.updateRunningStats(runningMean, runningVar, batch, momentum, unbias);
            return;
        }
        double[] rm = Transfers.readDoubles(runningMean);
        double[] rv = Transfers.readDoubles(runningVar);
        float[] m = new float[rm.length];
        float[] v = new float[rv.length];
        for (int c = 0; c < rm.length; c++) {
            m[c] = (float) ((1 - momentum) * rm[c] + momentum * batch.mean()[c]);
            v[c] = (float) ((1 - momentum) * rv[c] + momentum * batch.biasedVar()[c] * unbias);
        }
        write(m, runningMean);
        write(v, runningVar);
    }
}
