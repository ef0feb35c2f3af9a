package io.jgrad.tensor;

import java.util.SplittableRandom;

/**
 * A seeded random source for initialisation, dropout masks and shuffling. Runs with the same
 * seed draw the same numbers on every machine (it is pure Java, independent of ND4J's native RNG).
 */
public final class Rng {
    private static volatile Rng global = new Rng(0x5DEECE66DL);

    private final SplittableRandom random;
    private double spareGaussian;
    private boolean hasSpare;

    public Rng(long seed) {
        this.random = new SplittableRandom(seed);
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
        return new Rng(random.nextLong());
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return random.nextDouble();
    }

    /** A uniform 64-bit integer (e.g. a seed for ND4J's own generator). */
    public long nextLong() {
        return random.nextLong();
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        return random.nextInt(bound);
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
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
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
            out[i] = (float) (lo + (hi - lo) * random.nextDouble());
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
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
