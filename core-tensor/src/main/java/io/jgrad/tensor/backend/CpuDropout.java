package io.jgrad.tensor.backend;

import io.jgrad.tensor.Rng;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cpu} backend's inverted dropout with its mask fused in: the keep/drop decisions are
 * drawn from the generator exactly as {@link CpuOps#dropoutMask} draws them (one
 * {@code nextDouble() < p} per element, in order, so the same generator state drops the same
 * elements) but kept as bits on the heap, and {@code y = x·(1/(1−p))} or 0 is written in one pass
 * (split over the cores). Backward is the same pass over the gradient. Where the unfused form
 * built a double and a float heap copy of a float mask, uploaded it, and multiplied twice through
 * ND4J, this allocates only the output. Float32 {@link Dense#readableRowMajor} inputs only.
 */
final class CpuDropout implements DropoutPass {
    private static final long GRAIN_ELEMENTS = 1 << 16;
    private static final int BLOCK = 2048;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[BLOCK]);

    private final long[] keep;
    private final float scale;
    private final INDArray output;

    private CpuDropout(long[] keep, float scale, INDArray output) {
        this.keep = keep;
        this.scale = scale;
        this.output = output;
    }

    static boolean fits(INDArray x) {
        return x.dataType() == DataType.FLOAT && Dense.readableRowMajor(x) && x.length() < Integer.MAX_VALUE;
    }

    static DropoutPass forward(Rng rng, double p, INDArray x, INDArray out) {
        int n = (int) x.length();
        long[] keep = new long[(n + 63) >>> 6];
        if (p < 1) {
            for (int i = 0; i < n; i++) {
                if (!(rng.nextDouble() < p)) {
                    keep[i >>> 6] |= 1L << i;
                }
            }
        }
        CpuDropout pass = new CpuDropout(keep, p < 1 ? (float) (1 / (1 - p)) : 0f, out);
        pass.apply("dropout", x, out);
        return pass;
    }

    @Override
    public INDArray output() {
        return output;
    }

    @Override
    public INDArray backward(INDArray g) {
        INDArray in = fits(g) && g.length() == output.length() ? g : g.castTo(DataType.FLOAT).dup('c');
        INDArray dx = io.jgrad.tensor.StepScope.newArray(DataType.FLOAT, output.shape());
        apply("dropoutBackward", in, dx);
        return g.dataType() == DataType.FLOAT ? dx : dx.castTo(g.dataType());
    }

    /** {@code dst = src·scale} where kept, else 0 (the float product the unfused mask gave). */
    private void apply(String op, INDArray src, INDArray dst) {
        FloatBuffer s = Transfers.hostView(src);
        FloatBuffer d = Transfers.hostView(dst);
        Parallel.forRange(op, src.length(), GRAIN_ELEMENTS, (from, to) -> {
            float[] b = SCRATCH.get();
            for (int at = (int) from; at < to; at += BLOCK) {
                int n = Math.min(BLOCK, (int) to - at);
                s.get(at, b, 0, n);
                for (int i = 0; i < n; i++) {
                    int k = at + i;
                    b[i] = (keep[k >>> 6] >>> k & 1) != 0 ? b[i] * scale : 0f * b[i];
                }
                d.put(at, b, 0, n);
            }
        });
    }
}
