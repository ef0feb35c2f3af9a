package io.jgrad.tensor;

/**
 * A seeded random source for initialisation, dropout masks and shuffling. Runs with the same
 * seed draw the same numbers on every machine (it is pure Java, independent of ND4J's native RNG).
 *
 * <pre>{@code
 * Rng.manualSeed(42);                  // as torch.manual_seed: the layers built next get the same weights
 * Rng g = new Rng(7);                   // a generator of your own
 * double u = g.nextDouble();
 * Rng forWorker = g.split();            // an independent stream, e.g. one per thread
 * }</pre>
 *
 * <p>The generator is SplitMix64 with the golden gamma, the algorithm and constants of
 * {@code java.util.SplittableRandom(seed)}, so it draws exactly the numbers that class draws; it is
 * written out here because its whole state (one 64-bit counter, plus the spare Gaussian) must be
 * readable and restorable: {@link #getState()} and {@link #setState} let a training checkpoint
 * save a generator and a resumed run continue its stream, as {@code torch.Generator.get_state}.
 */
public final class Rng {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private static volatile Rng global = new Rng(0x5DEECE66DL);

    private long seed;
    private double spareGaussian;
    private boolean hasSpare;

    public Rng(long seed) {
        this.seed = seed;
    }

    /**
     * The process-wide generator that layers draw their initial weights from when no generator
     * is passed, like PyTorch's default generator.
     */
    public static Rng global() {
        return global;
    }

    /** Re-seeds the global generator, like {@code torch.manual_seed}. */
    public static void manualSeed(long seed) {
        global = new Rng(seed);
    }

    /** A new independent generator seeded from this one (for a component that needs its own stream). */
    public Rng split() {
        return new Rng(nextLong());
    }

    /** A uniformly random 64-bit value. */
    public long nextLong() {
        return mix64(nextSeed());
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (mix64(nextSeed()) >>> 11) * DOUBLE_UNIT;
    }

    /** Uniform integer in [0, bound) (unbiased: the rejection method of {@code SplittableRandom}). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("Rng.nextInt: bound must be positive, got " + bound);
        }
        int r = mix32(nextSeed());
        int m = bound - 1;
        if ((bound & m) == 0) {
            return r & m;
        }
        for (int u = r >>> 1; u + m - (r = u % bound) < 0; u = mix32(nextSeed()) >>> 1) {
            // rejected: u fell in the last, partial block of [0, 2^31)
        }
        return r;
    }

    /**
     * The generator's whole state as a float64 tensor of 4 values: the 64-bit counter as its high
     * and low 32 bits, whether a spare Gaussian is pending (0 or 1), and that spare. Every value
     * is exact in a double, so {@link #setState} restores the stream bit for bit.
     */
    public Tensor getState() {
        return Tensor.of(new double[] {seed >>> 32, seed & 0xFFFFFFFFL, hasSpare ? 1 : 0, hasSpare ? spareGaussian : 0}, 4);
    }

    /**
     * Continues from a state {@link #getState()} returned: the next draws are the ones the saved
     * generator would have made. A tensor that is not such a state is an
     * {@link IllegalArgumentException} naming what is wrong, and the generator is unchanged.
     */
    public void setState(Tensor state) {
        if (state == null || state.size() != 4) {
            throw new IllegalArgumentException("Rng.setState: expected a state of 4 values from getState(), got "
                    + (state == null ? "null" : state.size() + " values"));
        }
        double[] v = state.toDoubleArray();
        for (int i = 0; i < 2; i++) {
            if (!(v[i] >= 0 && v[i] <= 0xFFFFFFFFL && v[i] == Math.rint(v[i]))) {
                throw new IllegalArgumentException("Rng.setState: value " + i + " is " + v[i]
                        + ", expected a whole number in [0, 2^32) (half of the 64-bit counter)");
            }
        }
        if (!(v[2] == 0 || v[2] == 1) || Double.isNaN(v[3])) {
            throw new IllegalArgumentException("Rng.setState: the spare Gaussian (" + v[2] + ", " + v[3]
                    + ") is not a flag 0/1 and a number");
        }
        seed = ((long) v[0] << 32) | (long) v[1];
        hasSpare = v[2] == 1;
        spareGaussian = v[3];
    }

    /** A standard normal sample (Marsaglia's polar method). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * Math.log(s) / s);
        spareGaussian = v * m;
        hasSpare = true;
        return u * m;
    }

    /** {@code n} floats uniform in [lo, hi). */
    public float[] uniform(int n, double lo, double hi) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (lo + (hi - lo) * nextDouble());
        }
        return out;
    }

    /** {@code n} floats from N(mean, std²). */
    public float[] normal(int n, double mean, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (mean + std * nextGaussian());
        }
        return out;
    }

    /** A uniformly random permutation of {@code 0..n-1} (Fisher–Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private long nextSeed() {
        return seed += GOLDEN_GAMMA;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static int mix32(long z) {
        z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
        return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
    }
}
