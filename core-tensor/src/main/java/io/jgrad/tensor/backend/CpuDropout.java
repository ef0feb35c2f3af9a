package io.jgrad.tensor.backend;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cpu} backend's inverted dropout with its mask fused in: the keep/drop decisions are
 * exactly the ones {@link CpuOps#dropoutMask} draws (element {@code i} dropped when the
 * generator's {@code i}-th {@code nextDouble()} is {@code < p}, so the same generator state drops
 * the same elements and leaves the generator in the same state) but kept as bits on the heap, and
 * {@code y = x·(1/(1−p))} or 0 is written in the same pass, split over the cores. Backward is the
 * same pass over the gradient. Float32 {@link Dense#readableRowMajor} inputs only.
 *
 * <p>The draws split over the cores because {@link Rng} is SplitMix64, whose state is a counter:
 * draw {@code i} mixes {@code s + (i+1)·γ}, so each part computes its own elements' draws from
 * the counter {@code s} before the call, and the generator is then set {@code n} draws on. And
 * {@code k·2⁻⁵³ < p} (the 53 bits {@code k} of a draw) is {@code k < ⌈p·2⁵³⌉}, an integer
 * comparison without branch. (Drawing one element at a time through the generator on the calling
 * thread was 11% of W7's main thread.)
 */
final class CpuDropout implements DropoutPass {
    private static final long GRAIN_WORDS = 1 << 10;
    private static final long GRAIN_ELEMENTS = 1 << 16;
    /** Elements per block through the heap, a multiple of 64 (one mask word). */
    private static final int BLOCK = 2048;
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;   // Rng's (SplittableRandom's) increment
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
        CpuDropout pass = new CpuDropout(keep, p < 1 ? (float) (1 / (1 - p)) : 0f, out);
        if (!(p < 1)) {
            pass.apply("dropout", x, out);
            return pass;
        }
        long start = advance(rng, n);
        long threshold = (long) Math.ceil(p * 0x1p53);
        HostSpan s = Transfers.hostView(x);
        HostSpan d = Transfers.hostView(out);
        float scale = pass.scale;
        Parallel.forRange("dropout", keep.length, GRAIN_WORDS, (w0, w1) -> {
            float[] b = SCRATCH.get();
            int to = (int) Math.min(n, 64 * w1);
            for (int at = (int) (64 * w0); at < to; at += BLOCK) {               // BLOCK is a multiple of 64
                int len = Math.min(BLOCK, to - at);
                s.get(at, b, 0, len);
                for (int j0 = 0; j0 < len; j0 += 64) {
                    long counter = start + ((long) at + j0 + 1) * GOLDEN_GAMMA;
                    int m = Math.min(64, len - j0);
                    long bits = 0;
                    for (int j = 0; j < m; j++) {
                        long kept = ~((mix64(counter) >>> 11) - threshold) >>> 63;   // 1 when k >= ⌈p·2⁵³⌉
                        bits |= kept << j;
                        b[j0 + j] *= kept * scale;
                        counter += GOLDEN_GAMMA;
                    }
                    keep[(at + j0) >>> 6] = bits;
                }
                d.put(at, b, 0, len);
            }
        });
        return pass;
    }

    /** The generator's counter before {@code n} draws; the generator is left after them. */
    private static long advance(Rng rng, long n) {
        double[] state = rng.getState().toDoubleArray();
        long counter = ((long) state[0] << 32) | (long) state[1];
        long after = counter + n * GOLDEN_GAMMA;
        rng.setState(Tensor.of(new double[] {after >>> 32, after & 0xFFFFFFFFL, state[2], state[3]}, 4));
        return counter;
    }

    /** SplitMix64's output function ({@code Rng.nextLong} of counter {@code z}). */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
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

    /** {@code dst = src·scale} where kept, else {@code src·0} (the float product the unfused mask gave). */
    private void apply(String op, INDArray src, INDArray dst) {
        HostSpan s = Transfers.hostView(src);
        HostSpan d = Transfers.hostView(dst);
        Parallel.forRange(op, src.length(), GRAIN_ELEMENTS, (from, to) -> applyRange(s, d, from, to));
    }

    private void applyRange(HostSpan s, HostSpan d, long from, long to) {
        float[] b = SCRATCH.get();
        for (int at = (int) from; at < to; at += BLOCK) {
            int n = Math.min(BLOCK, (int) to - at);
            s.get(at, b, 0, n);
            for (int i = 0; i < n; i++) {
                int k = at + i;
                b[i] *= (keep[k >>> 6] >>> k & 1) * scale;                     // x·scale or x·0, no branch
            }
            d.put(at, b, 0, n);
        }
    }
}
