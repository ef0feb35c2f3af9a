package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The cells' tanh (through exp) against {@code Math.tanh}, rounded to float, over the whole float range. */
class CpuRecurrentCellsTanhTest {

    @Test
    void agreesWithMathTanhToWithinOneFloatUlp() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        int differ = 0;
        for (int i = 0; i < 2_000_000; i++) {
            float x = (float) (r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-12, 3)));
            float want = (float) Math.tanh(x);
            float got = CpuRecurrentCells.tanh(x);
            assertTrue(Math.abs(got - want) <= Math.ulp(want), x + ": " + got + " vs " + want);
            differ += got != want ? 1 : 0;
        }
        assertTrue(differ < 2_000, differ + " of 2,000,000 differ by one ulp");
        assertEquals(1f, CpuRecurrentCells.tanh(Float.POSITIVE_INFINITY));
        assertEquals(-1f, CpuRecurrentCells.tanh(-100f));
        assertEquals(-0f, CpuRecurrentCells.tanh(-0f));
        assertTrue(Float.isNaN(CpuRecurrentCells.tanh(Float.NaN)));
    }
}
