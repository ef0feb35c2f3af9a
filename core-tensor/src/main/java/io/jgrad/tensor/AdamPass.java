package io.jgrad.tensor;

import io.jgrad.tensor.backend.HostSpan;
import io.jgrad.tensor.backend.Transfers;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One Adam step over dense float32 arrays, chunk by chunk as {@link HostChunks} runs its kernels,
 * with PyTorch's float arithmetic, and without the subnormal first moments' cost.
 *
 * <p>Why: a weight whose gradient is exactly zero step after step (W1's first layer: units'
 * weights from pixels that are blank whenever the unit is active) has its first moment {@code m}
 * multiplied by β₁ until it is a few units of 2⁻¹⁴⁹, where {@code β₁·m} rounds back to itself: it
 * stays subnormal for good (PyTorch keeps the same bits). x86 takes a microcode assist for each
 * float operation on a subnormal, so with 12% of W1's moments stuck (or still sinking) the whole
 * pass took ~9.5 ns a value instead of ~1.4 (bench/README.md, "Optimizer updates, seventh pass").
 *
 * <p>How, bit for bit: each chunk's {@code m} is also read as bits (integer loops vectorise where
 * {@code Float.floatToRawIntBits} does not). An element is <em>set aside</em> when its gradient is
 * ±0 (weight decay 0), its {@code m} is subnormal and its parameter's
 * exponent is large enough that the step, at most {@code |stepSize|·2⁻¹²⁶/ε}, is below a quarter of
 * the parameter's spacing. Its exact result is then known without float arithmetic: {@code m' =
 * RN(m·β₁) + (±0) = sign(m)·rint(k·β₁)·2⁻¹⁴⁹} for m = ±k·2⁻¹⁴⁹, 1 ≤ k &lt; 2²³ (integer arithmetic
 * on 12-bit halves of {@code k} and of β₁'s 24-bit significand, ties to even; never 0, as
 * β₁ &gt; 0.5), {@code v'} the usual float expression (it does not involve {@code m}), and
 * {@code p' = p} (RN(p + step) = p). So its {@code m} enters the float loop as +0 (which yields v'
 * and p' as they are, and m' = +0) and its m' bits are merged in afterwards. A chunk is set aside
 * when a sample of its moments holds such a subnormal ({@link #sampleHasCandidate}).
 */
final class AdamPass {
    /** The largest subnormal, in units of 2⁻¹⁴⁹: set-aside moments are 1 to this many units. */
    private static final int MAX_UNITS = 0x7fffff;
    /** The stride of {@link #sampleHasCandidate}'s look at a chunk (33 of 1024 values). */
    private static final int SAMPLE_STRIDE = 31;
    private static final ThreadLocal<int[][]> BITS = ThreadLocal.withInitial(() -> new int[3][HostChunks.CHUNK]);

    private final INDArray p;
    private final INDArray g;
    private final INDArray m;
    private final INDArray v;
    private final float b1;
    private final float omb1;
    private final float b2;
    private final float omb2;
    private final float e;
    private final float wd;
    private final float neg;
    private final float bc2;
    /** β₁'s significand as an integer, β₁ = (b1High·2¹² + b1Low)·2⁻²⁴ (when β₁ is in (0.5, 1)). */
    private final int b1High;
    private final int b1Low;
    /** The least biased exponent of a parameter whose subnormal moment may be set aside; 0: set nothing aside. */
    private final int minParamExponent;

    AdamPass(INDArray p, INDArray g, INDArray m, INDArray v, double beta1, double beta2, double eps,
             double weightDecay, double stepSize, double bias2Sqrt) {
        this.p = p;
        this.g = g;
        this.m = m;
        this.v = v;
        b1 = (float) beta1;
        omb1 = (float) (1 - beta1);
        b2 = (float) beta2;
        omb2 = (float) (1 - beta2);
        e = (float) eps;
        wd = (float) weightDecay;
        neg = (float) -stepSize;
        bc2 = (float) bias2Sqrt;
        int significand = (Float.floatToRawIntBits(b1) & 0x7fffff) | 0x800000;
        b1High = significand >>> 12;
        b1Low = significand & 0xfff;
        minParamExponent = minParamExponent();
    }

    /**
     * When elements may be set aside: weight decay 0 (so the gradient is d), β₁ in (0.5, 1) (so that
     * rint(k·β₁) ≥ 1 and adding (1−β₁)·(±0) to it cannot change a sign of zero), 1−β₁
     * positive and finite, ε positive (so the denominator is at least ε, or NaN, or +∞), the bias
     * correction positive and the step size finite. Then a set-aside step is at most
     * {@code bound = (|stepSize|·(2⁻¹²⁶/ε + 2⁻¹⁴⁹) + 2⁻¹⁴⁹)·(1 + 2⁻²⁰)} (|m'| &lt; 2⁻¹²⁶, with the
     * roundings of the quotient and the product), and a parameter of exponent E ≥ exp(bound) + 27
     * has a spacing of at least 2^(E−24) &gt; 4·bound, so adding the step leaves it unchanged.
     */
    private int minParamExponent() {
        if (wd != 0 || !(b1 > 0.5f && b1 < 1) || !(omb1 > 0) || Float.isInfinite(omb1) || !(e > 0)
                || !(bc2 > 0) || Float.isInfinite(bc2) || Float.isNaN(neg) || Float.isInfinite(neg)) {
            return 0;
        }
        double bound = (Math.abs((double) neg) * (0x1p-126 / e + 0x1p-149) + 0x1p-149) * (1 + 0x1p-20);
        int biased = Math.getExponent(bound) + 27 + Float.MAX_EXPONENT;
        return biased > 2 * Float.MAX_EXPONENT ? 0 : Math.max(1, biased);
    }

    /** The step over all elements, cut over the cores as {@link HostChunks#run} cuts. */
    void run() {
        HostChunks.runParts("adam", this::part, p, g, m, v);
    }

    private void part(int from, int to) {
        float[][] c = HostChunks.scratch();
        int[][] bits = BITS.get();
        HostSpan fp = Transfers.hostView(p);
        HostSpan fg = Transfers.hostView(g);
        HostSpan fm = Transfers.hostView(m);
        HostSpan fv = Transfers.hostView(v);
        for (int at = from; at < to; at += HostChunks.CHUNK) {
            int n = Math.min(HostChunks.CHUNK, to - at);
            fp.get(at, c[0], 0, n);
            fg.get(at, c[1], 0, n);
            fm.get(at, c[2], 0, n);
            fv.get(at, c[3], 0, n);
            boolean aside = minParamExponent > 0 && sampleHasCandidate(c[2], n);
            if (aside) {
                fm.getBits(at, bits[0], 0, n);
                fp.getBits(at, bits[1], 0, n);
                fg.getBits(at, bits[2], 0, n);
                setAside(bits[0], bits[1], bits[2], n);
                fm.putBits(at, bits[0], 0, n);
                fm.get(at, c[2], 0, n);
            }
            step(c[0], c[1], c[2], c[3], n);
            fp.put(at, c[0], 0, n);
            fm.put(at, c[2], 0, n);
            fv.put(at, c[3], 0, n);
            if (aside) {
                fm.getBits(at, bits[0], 0, n);
                merge(bits[0], bits[2], n);
                fm.putBits(at, bits[0], 0, n);
            }
        }
    }

    /** PyTorch 1.13's single-tensor Adam in float: d = g + λp; m = β₁m + (1-β₁)d; v = β₂v + (1-β₂)d²; p -= s·m/(√v/c + ε). */
    private void step(float[] pc, float[] gc, float[] mc, float[] vc, int n) {
        float b1 = this.b1;
        float omb1 = this.omb1;
        float b2 = this.b2;
        float omb2 = this.omb2;
        float e = this.e;
        float wd = this.wd;
        float neg = this.neg;
        float bc2 = this.bc2;
        for (int i = 0; i < n; i++) {
            float d = wd == 0 ? gc[i] : gc[i] + wd * pc[i];
            float mi = mc[i] * b1 + omb1 * d;
            float vi = vc[i] * b2 + omb2 * d * d;
            mc[i] = mi;
            vc[i] = vi;
            pc[i] = pc[i] + neg * (mi / ((float) Math.sqrt(vi) / bc2 + e));
        }
    }

    /**
     * Whether one of every {@link #SAMPLE_STRIDE}th m is subnormal:
     * whether setting aside is likely to pay in this chunk. Only a guess, and none is needed for the
     * bits (a chunk not set aside runs the plain float loop, assists and all): a full scan cost
     * ~0.25 ns a value on chunks without any (an integer copy of m and a pass over it), this ~0.03.
     * Setting a chunk aside costs ~1.2 ns a value (seven more chunk copies within the cache and two
     * integer loops), about what 2% of subnormal moments cost in assists.
     */
    private static boolean sampleHasCandidate(float[] mc, int n) {
        for (int i = 0; i < n; i += SAMPLE_STRIDE) {
            int k = Float.floatToRawIntBits(mc[i]) & 0x7fffffff;
            if (k >= 1 && k <= MAX_UNITS) {
                return true;
            }
        }
        return false;
    }

    /**
     * Marks the elements to set aside (see the class comment): their m bits in {@code mb} become +0
     * and {@code out} gets their m' bits (0 elsewhere). Branch-free integer arithmetic; all-ones
     * masks from sign bits.
     */
    private void setAside(int[] mb, int[] pb, int[] out, int n) {
        int minExp = minParamExponent;
        for (int i = 0; i < n; i++) {
            int a = (mb[i] & 0x7fffffff) - 1;
            int subnormal = ~(a | (MAX_UNITS - 1 - a)) >> 31;              // 1 <= k < 2^23
            int zeroGrad = ((out[i] & 0x7fffffff) - 1) >> 31;              // g is ±0 (out holds g's bits)
            int bigParam = ~((((pb[i] >>> 23) & 0xff) - minExp) >> 31);    // p's exponent >= minExp
            out[i] = subnormal & zeroGrad & bigParam;
        }
        int bh = b1High;
        int bl = b1Low;
        for (int i = 0; i < n; i++) {          // a second loop: in one, C2 no longer unrolled and vectorised it
            int bits = mb[i];
            int aside = out[i];
            int kh = (bits >>> 12) & 0x7ff;                                // k·β₁·2²⁴ = q·2²⁴ + r, exactly,
            int kl = bits & 0xfff;                                         // from products of 12-bit halves
            int mid = kh * bl + kl * bh;                                   // < 2^25
            int r = ((mid & 0xfff) << 12) + kl * bl;                       // < 2^25
            int q = kh * bh + (mid >>> 12) + (r >>> 24);
            int rounded = q + (((r & 0xffffff) + 0x7fffff + (q & 1)) >>> 24);   // rint(k·β₁), ties to even
            out[i] = aside & ((bits & 0x80000000) | rounded);
            mb[i] = bits & ~aside;
        }
    }

    /** The set-aside elements' m' bits into the chunk (where the float loop left +0). */
    private static void merge(int[] mb, int[] aside, int n) {
        for (int i = 0; i < n; i++) {
            mb[i] |= aside[i];
        }
    }
}
