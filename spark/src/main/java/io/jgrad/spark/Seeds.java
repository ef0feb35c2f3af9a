package io.jgrad.spark;

/**
 * Derives independent seeds from the run's seed, so every random choice of a distributed run
 * (the deal of rows to shards, each shard's shuffle per epoch, each replica's dropout masks per
 * step) depends only on where it happens, never on which executor or task attempt runs it.
 */
final class Seeds {
    static final long DEAL = 1;
    static final long SHUFFLE = 2;
    static final long DROPOUT = 3;

    private Seeds() {
    }

    /** A seed for ({@code purpose}, {@code a}, {@code b}) under {@code seed}: SplitMix64 finalizers chained. */
    static long derive(long seed, long purpose, long a, long b) {
        long h = mix(seed ^ mix(purpose));
        h = mix(h ^ mix(a + 0x9E3779B97F4A7C15L));
        return mix(h ^ mix(b + 0x632BE59BD9B4E019L));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
