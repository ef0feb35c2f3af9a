package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Tensor arithmetic without a graph: NumPy broadcasting, operands unchanged, errors naming the shapes. */
class TensorMathTest {
    private final Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    private final Tensor row = Tensor.of(new float[] {10, 20, 30}, 3);
    private final Tensor col = Tensor.of(new float[] {2, 4}, 2, 1);

    @Test
    void broadcastsLikeNumPy() {
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, a.add(row).toFloatArray());
        assertArrayEquals(new float[] {-9, -18, -27, -6, -15, -24}, a.sub(row).toFloatArray());
        assertArrayEquals(new float[] {2, 4, 6, 16, 20, 24}, a.mul(col).toFloatArray());
        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 1, 1.25f, 1.5f}, a.div(col).toFloatArray());
        assertArrayEquals(new long[] {2, 3}, row.add(col).shape());
        assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f}, a.add(0.5).toFloatArray());
        assertArrayEquals(new float[] {-2, -4, -6, -8, -10, -12}, a.mul(-2).toFloatArray());
        assertTrue(Float.isNaN(a.mul(Double.NaN).toFloatArray()[0]));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.toFloatArray(), "operands are not modified");
    }

    @Test
    void mismatchedShapesNameTheOpAndBothShapes() {
        String m = assertThrows(IllegalArgumentException.class, () -> a.add(Tensor.zeros(4))).getMessage();
        assertTrue(m.contains("Tensor.add") && m.contains("[2, 3]") && m.contains("[4]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> a.mul(Tensor.zeros(DType.FLOAT64, 3))).getMessage();
        assertTrue(m.contains("Tensor.mul") && m.contains("FLOAT64"), m);
    }
}
