package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
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

    @Test
    void drawsExactlyWhatSplittableRandomDraws() {
        // the generator is SplittableRandom's algorithm written out; every stream that existed before stays the same
        for (long seed : new long[] {0, 1, -7, 0x5DEECE66DL, Long.MIN_VALUE, 123456789012345L}) {
            Rng a = new Rng(seed);
            SplittableRandom b = new SplittableRandom(seed);
            for (int i = 0; i < 20_000; i++) {
                switch (i % 5) {
                    case 0 -> assertEquals(b.nextDouble(), a.nextDouble());
                    case 1 -> assertEquals(b.nextLong(), a.nextLong());
                    case 2 -> assertEquals(b.nextInt(1 << (i % 31)), a.nextInt(1 << (i % 31)));
                    case 3 -> assertEquals(b.nextInt(i + 3), a.nextInt(i + 3));
                    default -> assertEquals(b.nextInt(Integer.MAX_VALUE - i), a.nextInt(Integer.MAX_VALUE - i));
                }
            }
        }
    }

    @Test
    void aRestoredStateContinuesTheStreamBitForBit() {
        Rng a = new Rng(42);
        a.normal(7, 0, 1); // odd count: a spare Gaussian is pending
        a.permutation(11);
        Tensor state = a.getState();
        assertEquals(DType.FLOAT64, state.dtype());
        Rng b = new Rng(-1);
        b.setState(state);
        assertArrayEquals(a.normal(9, 0, 1), b.normal(9, 0, 1));
        assertEquals(a.nextLong(), b.nextLong());
        assertArrayEquals(a.permutation(40), b.permutation(40));
        assertArrayEquals(a.split().uniform(30, 0, 1), b.split().uniform(30, 0, 1));
        Rng neg = new Rng(Long.MIN_VALUE + 5); // both halves of the counter round-trip, sign bit included
        Rng copy = new Rng(0);
        copy.setState(neg.getState());
        assertEquals(neg.nextLong(), copy.nextLong());
    }

    @Test
    void aStateThatIsNotOneIsRejectedAndChangesNothing() {
        Rng a = new Rng(3);
        Tensor before = a.getState();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> a.setState(Tensor.of(new double[] {1, 2.5, 0, 0}, 4)));
        assertTrue(e.getMessage().contains("Rng.setState") && e.getMessage().contains("2.5"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> a.setState(Tensor.of(new double[] {1, 2}, 2)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> a.setState(Tensor.of(new double[] {1, 2, 3, 0}, 4)));
        assertArrayEquals(before.toDoubleArray(), a.getState().toDoubleArray());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> a.nextInt(0));
    }
}
