package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * INT64 tensors (issue 19): construction, read-back, {@code arange}, the refusal of float
 * arithmetic on them, and {@code randn} from the global or a given generator.
 */
class IntTensorTest {

    @Test
    void ofLongsKeepsValuesShapeAndType() {
        long[] data = {3, -1, 0, 7, Long.MAX_VALUE, Long.MIN_VALUE};
        Tensor t = Tensor.ofLongs(data, 2, 3);
        assertEquals(DType.INT64, t.dtype());
        assertArrayEquals(new long[] {2, 3}, t.shape());
        assertArrayEquals(data, t.toLongArray());
        data[0] = 99;
        assertEquals(3, t.toLongArray()[0], "ofLongs copies its data");
        assertArrayEquals(new long[] {5}, Tensor.ofLongs(new long[] {5}).toLongArray());
        Tensor scalar = Tensor.ofLongs(new long[] {42});
        assertEquals(0, scalar.rank());
        assertArrayEquals(new long[] {42}, scalar.toLongArray());
        assertEquals(0, Tensor.ofLongs(new long[0], 0, 4).size());
        assertArrayEquals(new float[] {3, -1, 0, 7}, Tensor.ofLongs(new long[] {3, -1, 0, 7}, 4).toFloatArray());
    }

    @Test
    void arangeCountsFromZero() {
        Tensor a = Tensor.arange(5);
        assertEquals(DType.INT64, a.dtype());
        assertArrayEquals(new long[] {5}, a.shape());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4}, a.toLongArray());
        assertEquals(0, Tensor.arange(0).size());
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(-1));
    }

    @Test
    void conversionsBothWays() {
        Tensor f = Tensor.of(new float[] {1.9f, -1.9f, 3f}, 3);
        assertArrayEquals(new long[] {1, -1, 3}, f.to(DType.INT64).toLongArray(), "truncates toward zero as .long()");
        assertArrayEquals(new double[] {1, 2}, Tensor.ofLongs(new long[] {1, 2}, 2).to(DType.FLOAT64).toDoubleArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, f::toLongArray);
        assertTrue(e.getMessage().contains("toLongArray") && e.getMessage().contains("FLOAT32"), e.getMessage());
    }

    @Test
    void badInputNamesTheOp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.ofLongs(new long[] {1, 2, 3}, 2, 2));
        assertTrue(e.getMessage().contains("Tensor.ofLongs") && e.getMessage().contains("[2, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofLongs(null, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofLongs(new long[0], -1));
    }

    @Test
    void floatArithmeticOnInt64IsRefusedNamingOpAndType() {
        Tensor i = Tensor.ofLongs(new long[] {1, 2}, 2);
        for (Runnable r : new Runnable[] {() -> i.add(i), () -> i.mul(2.5), () -> i.add(1), () -> i.div(i)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
            assertTrue(e.getMessage().startsWith("Tensor.") && e.getMessage().contains("INT64"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> i.mul(1.5));
        assertTrue(e.getMessage().contains("Tensor.mul"), e.getMessage());
        assertFalse(DType.INT64.isFloating());
        assertTrue(DType.FLOAT32.isFloating() && DType.FLOAT64.isFloating());
    }

    @Test
    void randnDrawsFromTheGlobalGeneratorUnlessGivenOne() {
        Rng.manualSeed(7);
        Tensor a = Tensor.randn(3, 4);
        Tensor b = Tensor.randn(3, 4);
        Rng.manualSeed(7);
        Tensor again = Tensor.randn(3, 4);
        assertArrayEquals(new long[] {3, 4}, a.shape(), "randn(3, 4) is 3x4, not a seed and a length");
        assertEquals(DType.FLOAT32, a.dtype());
        assertTrue(a.contentEquals(again), "manualSeed makes the global draws repeat");
        assertFalse(a.contentEquals(b), "successive draws differ");
        assertTrue(Tensor.randn(new Rng(7), 3, 4).contentEquals(a), "the global generator seeded 7 = new Rng(7)");
        assertTrue(Tensor.randn(new Rng(8), 2).contentEquals(Tensor.randn(new Rng(8), 2)));
        assertThrows(IllegalArgumentException.class, () -> Tensor.randn((Rng) null, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.randn(2, -1));
    }
}
