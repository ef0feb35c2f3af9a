package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Tensor's factories, accessors, types and the error messages its bad inputs get. */
class TensorTest {

    @Test
    void ofCopiesDataInRowMajorOrder() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(data, 2, 3);
        data[0] = 99;
        assertArrayEquals(new long[] {2, 3}, t.shape());
        assertEquals(2, t.rank());
        assertEquals(6, t.size());
        assertEquals(DType.FLOAT32, t.dtype());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
        assertEquals(6.0, t.getDouble(5));
        assertEquals(4f, t.array().getFloat(1, 0));
    }

    @Test
    void nullDataOrShapeIsAnIllegalArgumentNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of((float[]) null, 2));
        assertEquals("Tensor.of: data is null", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[] {1}, (long[]) null));
        assertEquals("Tensor.of: shape is null", e.getMessage());
    }

    @Test
    void ofDoubleIsFloat64() {
        Tensor t = Tensor.of(new double[] {0.1, 0.2}, 2);
        assertEquals(DType.FLOAT64, t.dtype());
        assertArrayEquals(new double[] {0.1, 0.2}, t.toDoubleArray());
    }

    @Test
    void ofWithEmptyShapeIsAScalar() {
        Tensor t = Tensor.of(new float[] {2.5f});
        assertArrayEquals(new long[0], t.shape());
        assertEquals(0, t.rank());
        assertEquals(2.5f, t.item());
    }

    @Test
    void ofRejectsWrongDataLengthNamingOpAndShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("Tensor.of"), e.getMessage());
        assertTrue(e.getMessage().contains("5"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void factoriesRejectNegativeDimensions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
        assertTrue(e.getMessage().contains("Tensor.zeros") && e.getMessage().contains("[2, -1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.ones(-3));
        assertThrows(IllegalArgumentException.class, () -> Tensor.randn(new Rng(1), 4, -2));
    }

    @Test
    void zerosOnesFullAndScalarAreFloat32ByDefault() {
        Tensor z = Tensor.zeros(2, 2);
        Tensor o = Tensor.ones(3);
        Tensor s = Tensor.scalar(4f);
        assertEquals(DType.FLOAT32, z.dtype());
        assertEquals(DType.FLOAT32, o.dtype());
        assertEquals(DType.FLOAT32, s.dtype());
        assertArrayEquals(new float[4], z.toFloatArray());
        assertArrayEquals(new float[] {1, 1, 1}, o.toFloatArray());
        assertArrayEquals(new long[0], s.shape());
        assertEquals(4f, s.item());
        Tensor f = Tensor.full(-2.5, DType.FLOAT64, 2, 1);
        assertEquals(DType.FLOAT64, f.dtype());
        assertArrayEquals(new long[] {2, 1}, f.shape());
        assertArrayEquals(new double[] {-2.5, -2.5}, f.toDoubleArray());
        assertEquals(DType.FLOAT64, Tensor.zeros(DType.FLOAT64, 3).dtype());
        assertEquals(DType.FLOAT64, Tensor.scalar(1.0).dtype());
    }

    @Test
    void randnIsReproducibleFromItsSeed() {
        Tensor a = Tensor.randn(new Rng(42), 3, 4);
        Tensor b = Tensor.randn(new Rng(42), 3, 4);
        Tensor c = Tensor.randn(new Rng(43), 3, 4);
        assertEquals(DType.FLOAT32, a.dtype());
        assertTrue(a.contentEquals(b));
        assertFalse(a.contentEquals(c));
        assertArrayEquals(new Rng(42).normal(12, 0, 1), a.toFloatArray());
    }

    @Test
    void randnLooksStandardNormal() {
        float[] x = Tensor.randn(new Rng(7), 20_000).toFloatArray();
        double sum = 0;
        double sq = 0;
        for (float v : x) {
            sum += v;
            sq += v * v;
        }
        double mean = sum / x.length;
        double var = sq / x.length - mean * mean;
        assertEquals(0, mean, 0.03);
        assertEquals(1, var, 0.05);
    }

    @Test
    void uniformStaysInItsRangeAndFollowsTheRng() {
        Tensor u = Tensor.uniform(new Rng(3), -2, 5, 100);
        for (float v : u.toFloatArray()) {
            assertTrue(v >= -2 && v < 5, "out of range: " + v);
        }
        assertTrue(u.contentEquals(Tensor.uniform(new Rng(3), -2, 5, 100)));
    }

    @Test
    void itemNeedsExactlyOneElement() {
        assertEquals(3f, Tensor.of(new float[] {3}, 1, 1).item());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.zeros(2, 3).item());
        assertTrue(e.getMessage().contains("item") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void copyIsDeepAndToConvertsType() {
        Tensor t = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor c = t.copy();
        c.array().putScalar(0, 10f);
        assertEquals(1f, t.toFloatArray()[0]);
        Tensor d = t.to(DType.FLOAT64);
        assertEquals(DType.FLOAT64, d.dtype());
        assertArrayEquals(new double[] {1, 2, 3}, d.toDoubleArray());
        assertSame(t, t.to(DType.FLOAT32));
        assertEquals(DType.FLOAT32, d.to(DType.FLOAT32).dtype());
    }

    @Test
    void wrapSharesTheArrayAndRejectsOtherTypes() {
        var arr = Nd4j.create(new float[] {1, 2}, new long[] {2}, 'c');
        Tensor t = Tensor.wrap(arr);
        assertSame(arr, t.array());
        arr.putScalar(1, 7f);
        assertEquals(7f, t.toFloatArray()[1]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.wrap(Nd4j.zeros(DataType.INT32, 2)));
        assertTrue(e.getMessage().contains("INT"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(null));
    }

    @Test
    void toFloatArrayReadsViewsInLogicalOrder() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor transposed = Tensor.wrap(t.array().transpose());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, transposed.toFloatArray());
        assertNotSame(t.array(), transposed.array());
    }

    @Test
    void getDoubleCountsRowMajorWhateverTheLayout() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor columnMajor = Tensor.wrap(t.array().transpose()); // [[1, 4], [2, 5], [3, 6]], order 'f'
        float[] rowMajor = columnMajor.toFloatArray();
        for (int i = 0; i < rowMajor.length; i++) {
            assertEquals(rowMajor[i], columnMajor.getDouble(i), "element " + i);
            assertEquals(i + 1, t.getDouble(i));
        }
        assertEquals(7.0, Tensor.scalar(7.0).getDouble(0));
    }

    @Test
    void contentEqualsComparesShapeTypeAndValues() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        assertTrue(a.contentEquals(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2)));
        assertFalse(a.contentEquals(Tensor.of(new float[] {1, 2, 3, 4}, 4)));
        assertFalse(a.contentEquals(a.to(DType.FLOAT64)));
        assertFalse(a.contentEquals(Tensor.of(new float[] {1, 2, 3, 5}, 2, 2)));
    }

    @Test
    void shapesHelpers() {
        assertEquals("[2, 3]", Shapes.str(new long[] {2, 3}));
        assertEquals(1, Shapes.size(new long[0]));
        assertEquals(24, Shapes.size(new long[] {2, 3, 4}));
        assertEquals(2, Shapes.axis("op", -1, 3));
        assertEquals(0, Shapes.axis("op", -3, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shapes.axis("softmax", 3, 3));
        assertTrue(e.getMessage().contains("softmax") && e.getMessage().contains("3"), e.getMessage());
        assertArrayEquals(new long[] {4, 6}, Shapes.inferReshape("reshape", new long[] {2, 3, 4}, new long[] {4, -1}));
        e = assertThrows(IllegalArgumentException.class,
                () -> Shapes.inferReshape("reshape", new long[] {2, 3}, new long[] {4, 2}));
        assertTrue(e.getMessage().contains("reshape") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[4, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Shapes.inferReshape("reshape", new long[] {2, 3}, new long[] {-1, -1}));
        assertThrows(IllegalArgumentException.class,
                () -> Shapes.inferReshape("reshape", new long[] {2, 3}, new long[] {4, -1}));
    }
}
