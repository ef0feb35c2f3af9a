package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cpu} backend's softmax over the last dimension as one pass per row, forward
 * ({@code exp(x − max) / Σ exp(x − max)}, the exponentials and the sum in double) and backward
 * ({@code (g − Σ g·out)·out}), optionally with the causal mask of attention scores
 * {@code [B, L, S]} applied inside the pass (row {@code i} of each {@code L × S} matrix keeps
 * columns {@code j ≤ i}; the masked columns get probability 0 and are never exponentiated, which
 * is what adding {@code −∞} before the softmax gives). Where ND4J's form made five calls and four
 * temporaries (max, sub, exp, sum, div), this reads the scores and writes the result once.
 * Float32 operands that are {@link Dense#readableRowMajor} only ({@link #fits}).
 */
final class CpuSoftmax {
    /** Rows per part: at least ~64K elements, so a split over two cores pays for its hand-off. */
    private static final long GRAIN_ELEMENTS = 1 << 16;
    private static final int BLOCK_ELEMENTS = 1 << 14;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private CpuSoftmax() {
    }

    static boolean fits(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT || !Dense.readableRowMajor(a) || a.rank() == 0
                    || a.length() >= Integer.MAX_VALUE) {
                return false;
            }
        }
        return true;
    }

    /**
     * The softmax of each row (last dimension) of {@code x} into the dense {@code out} (may be x);
     * with {@code causal}, x is {@code [B, L, S]} and row {@code i} of each matrix keeps columns {@code j ≤ i}.
     */
    static INDArray forward(INDArray x, boolean causal, INDArray out) {
        int c = (int) x.size(x.rank() - 1);
        int rows = (int) (x.length() / c);
        int l = causal ? (int) x.size(1) : 1;
        HostSpan xs = Transfers.hostView(x);
        HostSpan os = Transfers.hostView(out);
        Parallel.forRange("softmax", rows, Math.max(1, GRAIN_ELEMENTS / c), (from, to) -> {
            int block = Math.max(1, BLOCK_ELEMENTS / c);
            for (int r0 = (int) from; r0 < to; r0 += block) {
                int n = Math.min(block, (int) to - r0);
                float[] b = scratch(0, n * c);
                xs.get(r0 * c, b, 0, n * c);
                for (int i = 0; i < n; i++) {
                    int valid = causal ? Math.min(c, (r0 + i) % l + 1) : c;
                    row(b, i * c, valid, c);
                }
                os.put(r0 * c, b, 0, n * c);
            }
        });
        return out;
    }

    private static void row(float[] b, int o, int valid, int c) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < valid; j++) {
            max = Math.max(max, b[o + j]);
        }
        double sum = 0;
        for (int j = 0; j < valid; j++) {
            double e = Math.exp((double) b[o + j] - max);
            b[o + j] = (float) e;
            sum += e;
        }
        float inv = (float) (1 / sum);                  // PyTorch's kernel multiplies by the sum's reciprocal too
        for (int j = 0; j < valid; j++) {
            b[o + j] *= inv;
        }
        for (int j = valid; j < c; j++) {
            b[o + j] = 0;
        }
    }

    /** {@code (g − Σ g·out)·out} row by row into the dense {@code dst}. */
    static INDArray backward(INDArray out, INDArray g, INDArray dst) {
        int c = (int) out.size(out.rank() - 1);
        int rows = (int) (out.length() / c);
        HostSpan os = Transfers.hostView(out);
        HostSpan gs = Transfers.hostView(g);
        HostSpan ds = Transfers.hostView(dst);
        Parallel.forRange("softmaxBackward", rows, Math.max(1, GRAIN_ELEMENTS / c), (from, to) -> {
            int block = Math.max(1, BLOCK_ELEMENTS / c);
            for (int r0 = (int) from; r0 < to; r0 += block) {
                int n = Math.min(block, (int) to - r0);
                float[] ob = scratch(0, n * c);
                float[] gb = scratch(1, n * c);
                os.get(r0 * c, ob, 0, n * c);
                gs.get(r0 * c, gb, 0, n * c);
                for (int i = 0; i < n; i++) {
                    int o = i * c;
                    double dot = 0;
                    for (int j = 0; j < c; j++) {
                        dot += (double) gb[o + j] * ob[o + j];
                    }
                    float dotf = (float) dot;           // the update in float32 (vectorized), as PyTorch's kernel
                    for (int j = 0; j < c; j++) {
                        gb[o + j] = (gb[o + j] - dotf) * ob[o + j];
                    }
                }
                ds.put(r0 * c, gb, 0, n * c);
            }
        });
        return dst;
    }

    private static float[] scratch(int slot, int n) {
        float[][] s = SCRATCH.get();
        if (s[slot].length < n) {
            s[slot] = new float[n];
        }
        return s[slot];
    }
}
