package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Data sets with float targets (regression) travel through subsets, splits and batches intact. */
class FloatTargetsTest {
    private static final float[] X = {0, 1, 10, 11, 20, 21, 30, 31};
    private static final float[] Y = {0.5f, 1.5f, 2.5f, 3.5f};

    @Test
    void batchesCarryTheTargetsOfTheirRows() {
        Dataset d = Dataset.ofTargets(X, 2, Y, 1);
        assertTrue(d.hasFloatTargets());
        assertEquals(4, d.size());
        assertEquals(1, d.numTargets());
        assertArrayEquals(new long[] {4, 1}, d.targets().shape());
        Batch b = d.gather(new int[] {3, 1}, 0, 2);
        assertTrue(b.hasFloatTargets());
        assertArrayEquals(new float[] {30, 31, 10, 11}, b.features().toFloatArray());
        assertArrayEquals(new float[] {3.5f, 1.5f}, b.targets().toFloatArray());
        assertEquals(2, b.size());
        assertThrows(IllegalStateException.class, b::labels);
        Dataset sub = d.subset(new int[] {2, 0});
        assertArrayEquals(new float[] {2.5f, 0.5f}, sub.targets().toFloatArray());
        Dataset.Split s = d.split(0.5, 1);
        assertEquals(2, s.first().size());
        assertTrue(s.second().hasFloatTargets());
        assertTrue(d.toString().contains("1 float targets"), d.toString());
    }

    @Test
    void severalTargetsPerExample() {
        Dataset d = Dataset.ofTargets(X, 2, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2);
        assertArrayEquals(new float[] {5, 6}, d.gather(new int[] {2}, 0, 1).targets().toFloatArray());
    }

    @Test
    void labelsAndTargetsAreNotMixedUpSilently() {
        Dataset reg = Dataset.ofTargets(X, 2, Y, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, reg::numClasses);
        assertTrue(e.getMessage().contains("Dataset.numClasses") && e.getMessage().contains("targets()"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> reg.label(0));
        Dataset cls = Dataset.of(X, 2, new int[] {0, 1, 0, 1}, 2);
        assertFalse(cls.hasFloatTargets());
        assertThrows(IllegalStateException.class, cls::targets);
        assertThrows(IllegalStateException.class, () -> cls.gather(new int[] {0}, 0, 1).targets());
    }

    @Test
    void badTargetsAreRejectedWithTheirPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofTargets(X, 2, new float[] {1, 2, 3}, 1));
        assertTrue(e.getMessage().contains("8 feature values do not make 3 rows of 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofTargets(X, 2, new float[] {1, Float.NaN, 3, 4}, 1));
        assertTrue(e.getMessage().contains("example 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.ofTargets(X, 2, Y, 0));
    }
}
