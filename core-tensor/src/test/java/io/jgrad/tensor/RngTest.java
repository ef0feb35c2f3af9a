package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The seeded generator: same seed, same numbers; and the draws have the right distributions. */
class RngTest {

    @Test
    void sameSeedSameSequence() {
        Rng a = new Rng(123);
        Rng b = new Rng(123);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.nextDouble(), b.nextDouble());
            assertEquals(a.nextGaussian(), b.nextGaussian());
            assertEquals(a.nextInt(17), b.nextInt(17));
        }
        assertArrayEquals(a.normal(50, 1, 2), b.normal(50, 1, 2));
        assertArrayEquals(a.uniform(50, -1, 1), b.uniform(50, -1, 1));
        assertArrayEquals(a.permutation(30), b.permutation(30));
    }

    @Test
    void differentSeedsDiffer() {
        assertFalse(Arrays.equals(new Rng(1).normal(10, 0, 1), new Rng(2).normal(10, 0, 1)));
    }

    @Test
    void splitIsReproducibleAndIndependentOfTheParent() {
        Rng a = new Rng(9);
        Rng b = new Rng(9);
        Rng childA = a.split();
        Rng childB = b.split();
        assertArrayEquals(childA.uniform(20, 0, 1), childB.uniform(20, 0, 1));
        assertArrayEquals(a.uniform(20, 0, 1), b.uniform(20, 0, 1));
        assertFalse(Arrays.equals(new Rng(9).split().uniform(20, 0, 1), new Rng(9).uniform(20, 0, 1)));
    }

    @Test
    void manualSeedResetsTheGlobalGenerator() {
        Rng.manualSeed(2024);
        double[] first = {Rng.global().nextDouble(), Rng.global().nextGaussian()};
        Rng.manualSeed(2024);
        double[] second = {Rng.global().nextDouble(), Rng.global().nextGaussian()};
        assertArrayEquals(first, second);
    }

    @Test
    void normalHasTheRequestedMeanAndStd() {
        float[] x = new Rng(5).normal(20_000, 3, 0.5);
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (float v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= x.length;
        assertEquals(3, mean, 0.02);
        assertEquals(0.25, var, 0.01);
    }

    @Test
    void uniformAndNextIntStayInRange() {
        Rng r = new Rng(11);
        for (float v : r.uniform(1000, 2, 3)) {
            assertTrue(v >= 2 && v < 3);
        }
        int[] counts = new int[4];
        for (int i = 0; i < 4000; i++) {
            counts[r.nextInt(4)]++;
        }
        for (int c : counts) {
            assertTrue(c > 850 && c < 1150, Arrays.toString(counts));
        }
    }

    @Test
    void permutationHoldsEveryIndexOnce() {
        int[] p = new Rng(4).permutation(100);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 100; i++) {
            assertEquals(i, sorted[i]);
        }
        assertFalse(Arrays.equals(sorted, p));
    }
}
