package io.jgrad.tensor.backend;

import io.jgrad.tensor.Kernels;
import io.jgrad.tensor.StepScope;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cpu} backend's fused cross entropy over INT64 targets (PyTorch's
 * {@code F.cross_entropy(..., ignore_index=...)}): one bulk copy of the {@code [n, c]} logits to
 * the heap, the row log-softmax and the NLL in double ({@link HeapLogSoftmax}), and a backward
 * that writes the closed-form gradient in one pass and one bulk copy back.
 */
final class CpuCrossEntropy implements LossPass {
    private final int n;
    private final int c;
    private final long[] targets;
    private final long ignoreIndex;
    private final double[] logp;
    private final int count;
    private final DataType type;
    private final INDArray loss;

    CpuCrossEntropy(INDArray logits, long[] targets, long ignoreIndex) {
        this.n = (int) logits.size(0);
        this.c = (int) logits.size(1);
        this.targets = targets;
        this.ignoreIndex = ignoreIndex;
        this.type = logits.dataType();
        this.logp = HeapLogSoftmax.of(Kernels.toDoubles(logits), n, c, 1.0);
        double nll = 0;
        int counted = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i] != ignoreIndex) {
                nll -= logp[i * c + (int) targets[i]];
                counted++;
            }
        }
        this.count = counted;
        this.loss = Transfers.uploadScalar(type, nll / counted);      // 0/0 = NaN when every row is ignored
    }

    @Override
    public INDArray value() {
        return loss;
    }

    /** The closed-form gradient of the logits, the only input. */
    @Override
    public INDArray[] backward(INDArray g, boolean... wanted) {
        return new INDArray[] {logitsGradient(Transfers.readDouble(g, 0) / Math.max(count, 1))};
    }

    private INDArray logitsGradient(double scale) {
        double[] dx = new double[n * c];
        for (int i = 0; i < n; i++) {
            if (targets[i] == ignoreIndex) {
                continue;
            }
            int row = i * c;
            for (int j = 0; j < c; j++) {
                dx[row + j] = scale * Math.exp(logp[row + j]);
            }
            dx[row + (int) targets[i]] -= scale;
        }
        if (type == DataType.DOUBLE) {
            return Transfers.upload(dx, n, c);
        }
        INDArray out = StepScope.newArray(DataType.FLOAT, n, c);
        Kernels.write(Transfers.narrowed(dx), out);
        return out;
    }
}
