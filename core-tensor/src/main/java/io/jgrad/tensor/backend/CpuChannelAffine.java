package io.jgrad.tensor.backend;

import io.jgrad.tensor.StepScope;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalisation's inference form on the {@code cpu} backend: {@code y[n, c, …] =
 * x[n, c, …]·α[c] + β[c]} over dense float32 {@code [N, C, …]}, one pass over the planes in memory
 * order into one new array (a {@link StepScope} temporary, from the cache). Each element is one
 * float multiply and one float add, each rounded, as ND4J's {@code mul} then {@code add} compute
 * it (so the same bits as the composed ops).
 *
 * <p>Why: composed, an evaluation batch of 1,000 images through the cnn example's first
 * {@code BatchNorm2d} made two fresh 100 MB arrays in ND4J's own memory (the product, then the
 * sum), which only a garbage collection frees; this makes one, which {@code Sequential} hands
 * back to the cache as soon as the next layer has read it.
 */
final class CpuChannelAffine {
    /** Elements copied into the JVM at a time. */
    private static final int CHUNK = 4096;
    /** The fewest elements a part of the pass is worth on another thread. */
    private static final long GRAIN_ELEMENTS = 1 << 16;

    private CpuChannelAffine() {
    }

    /** Whether {@link #apply} takes these arrays (else the caller uses ND4J's ops). */
    static boolean fits(INDArray x, INDArray alpha, INDArray beta) {
        return x.rank() >= 2 && HostFloats.readable(x) && x.length() <= Integer.MAX_VALUE
                && alpha.dataType() == DataType.FLOAT && beta.dataType() == DataType.FLOAT;
    }

    /** {@code y = x·α + β} per channel (dimension 1); {@code alpha} and {@code beta} hold {@code C} elements each. */
    static INDArray apply(INDArray x, INDArray alpha, INDArray beta) {
        INDArray y = StepScope.newArray(DataType.FLOAT, x.shape());
        long planes = x.size(0) * x.size(1);
        if (x.length() == 0) {
            return y;
        }
        int c = (int) x.size(1);
        int p = (int) (x.length() / planes);
        float[] a = HostFloats.read(alpha);
        float[] b = HostFloats.read(beta);
        HostSpan xs = Transfers.hostView(x);
        HostSpan ys = Transfers.hostView(y);
        Parallel.forRange("batch_norm inference", planes, Math.max(1, GRAIN_ELEMENTS / p), (from, to) -> {
            float[] buf = HostFloats.scratch(HostFloats.IN, Math.min(CHUNK, p));
            for (long q = from; q < to; q++) {
                int ch = (int) (q % c);
                float aq = a[ch];
                float bq = b[ch];
                for (int at = 0; at < p; at += CHUNK) {
                    int len = Math.min(CHUNK, p - at);
                    int index = (int) (q * p + at);
                    xs.get(index, buf, 0, len);
                    for (int i = 0; i < len; i++) {
                        buf[i] = buf[i] * aq + bq;
                    }
                    ys.put(index, buf, 0, len);
                }
            }
        });
        return y;
    }
}
