package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.backend.Backend;
import io.jgrad.tensor.backend.Ops;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The fast paths (direct BLAS, JVM kernels, row gather, thread policy) give the same numbers as
 * the ND4J ops they replace, on the fast layouts and on the fallback ones (views, float64).
 */
class FastPathsTest {
    private static final Ops CPU = Ops.of(Backend.CPU);

    private static INDArray rand(long seed, DataType t, long... shape) {
        return Tensor.uniform(new Rng(seed), -1, 1, shape).array().castTo(t);
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape());
        double[] e = expected.dup('c').data().asDouble();
        double[] a = actual.dup('c').data().asDouble();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tol * Math.max(1, Math.abs(e[i])), "element " + i);
        }
    }

    @Test
    void gemmMatchesNd4jForEveryTransposeAndBeta() {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    INDArray a = ta ? rand(1, t, 4, 3) : rand(1, t, 3, 4);
                    INDArray b = tb ? rand(2, t, 5, 4) : rand(2, t, 4, 5);
                    INDArray c = rand(3, t, 3, 5);
                    INDArray expected = Nd4j.gemm(a, b, c.dup(), ta, tb, 1.0, 1.0);
                    assertClose(expected, Blas.gemm(a, ta, b, tb, c, 1.0, 1.0), 1e-6);
                    assertClose(Nd4j.gemm(a, b, ta, tb), CPU.gemm(a, ta, b, tb), 1e-6);
                }
            }
        }
    }

    @Test
    void gemmFallsBackForViewsAndChecksShapes() {
        INDArray big = rand(4, DataType.FLOAT, 6, 4);
        INDArray view = big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 4),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        INDArray b = rand(5, DataType.FLOAT, 4, 2);
        assertClose(Nd4j.gemm(view.dup(), b, false, false), CPU.gemm(view, false, b, false), 1e-6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CPU.gemm(b, false, b, false));
        assertTrue(e.getMessage().contains("gemm"), e.getMessage());
    }

    @Test
    void kernelsMatchNd4jOps() {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = rand(6, t, 5, 3000);                 // more than one HostChunks chunk
            INDArray b = rand(7, t, 3000);
            assertClose(x.addRowVector(b), Kernels.addRowVector(x.dup(), b), 1e-6);
            INDArray out = Nd4j.createUninitialized(t, x.shape(), 'c');
            assertClose(Transforms.relu(x, true), Kernels.relu(x, out), 0);
            INDArray g = rand(8, t, 5, 3000);
            INDArray masked = Transforms.step(out, true).muli(g);
            INDArray dst = rand(9, t, 5, 3000);
            assertClose(masked, Kernels.reluBackward(out, g, dst.dup(), 0), 0);
            assertClose(dst.add(masked), Kernels.reluBackward(out, g, dst.dup(), 1), 1e-6);
            INDArray acc = rand(10, t, 3000);
            assertClose(g.sum(0), Kernels.columnSums(g, acc.dup(), 0), 1e-5);
            assertClose(acc.add(g.sum(0)), Kernels.columnSums(g, acc.dup(), 1), 1e-5);
        }
    }

    @Test
    void toDoublesReadsRowMajorWhateverTheLayout() {
        INDArray f = rand(11, DataType.FLOAT, 3, 4);
        assertArrayEquals(f.dup('c').data().asDouble(), Kernels.toDoubles(f), 0);
        INDArray colMajor = f.dup('f');
        assertArrayEquals(f.dup('c').data().asDouble(), Kernels.toDoubles(colMajor), 0);
    }

    @Test
    void reluKeepsNaN() {
        INDArray x = Nd4j.createFromArray(new float[] {-1, Float.NaN, 2, 0});
        INDArray out = Kernels.relu(x, Nd4j.createUninitialized(DataType.FLOAT, 4));
        assertArrayEquals(new float[] {0, Float.NaN, 2, 0}, out.toFloatVector(), 0);
    }

    @Test
    void gatherRowsCopiesTheChosenRows() {
        float[] src = {0, 1, 10, 11, 20, 21, 30, 31};
        Tensor t = Tensor.gatherRows(src, 2, new int[] {9, 3, 0, 2}, 1, 4);
        assertArrayEquals(new long[] {3, 2}, t.shape());
        assertArrayEquals(new float[] {30, 31, 0, 1, 20, 21}, t.toFloatArray(), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.gatherRows(src, 2, new int[] {4}, 0, 1));
        assertTrue(e.getMessage().contains("row index 4"), e.getMessage());
    }

    /** A batch large enough to be copied in parts on the cores: every row where a plain copy puts it. */
    @Test
    void gatherRowsOfALargeBatchCopiesEveryRow() {
        int rowLength = 784;
        int n = 3000;
        float[] src = new float[n * rowLength];
        for (int i = 0; i < src.length; i++) {
            src[i] = i * 0.25f - 7;
        }
        int[] rows = new int[300];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = (r * 1999 + 5) % n;
        }
        Tensor t = Tensor.gatherRows(src, rowLength, rows, 20, 276);
        float[] expected = new float[256 * rowLength];
        for (int r = 20; r < 276; r++) {
            System.arraycopy(src, rows[r] * rowLength, expected, (r - 20) * rowLength, rowLength);
        }
        assertArrayEquals(new long[] {256, rowLength}, t.shape());
        assertArrayEquals(expected, t.toFloatArray(), 0);
    }

    @Test
    void stepScopeFreesOnlyWhatWasMadeInsideIt() {
        INDArray outside = StepScope.newArray(DataType.FLOAT, 2, 2).assign(1);
        INDArray inner;
        INDArray outer;
        try (StepScope s = StepScope.open()) {
            outer = StepScope.newArray(DataType.FLOAT, 2, 2).assign(2);
            try (StepScope t = StepScope.open()) {
                inner = CPU.gemm(outside, false, outside, false);
            }
            assertTrue(inner.wasClosed(), "the inner scope frees its gemm result");
            assertEquals(2.0, outer.getDouble(0), 0, "the outer scope's array is alive until it closes");
        }
        assertTrue(outer.wasClosed());
        assertEquals(1.0, outside.getDouble(0), 0, "arrays made outside any scope are untouched");
        INDArray freed = outer;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CPU.gemm(freed, false, outside, false));
        assertTrue(e.getMessage().contains("freed"), e.getMessage());
    }

    @Test
    void threadCountCanBeSetAndIsValidated() {
        int before = Threads.count();
        try {
            Threads.set(2);
            assertEquals(2, Threads.count());
            assertEquals("Threads.set", Threads.source());
        } finally {
            Threads.set(before);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Threads.set(0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }
}
