package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.Blas;
import io.jgrad.tensor.Threads;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The layout tests of {@link Dense}: which arrays a kernel may read, and which it may also write. */
class DenseTest {

    @Test
    void aReshapeOfADenseArrayIsReadableButNotWritable() {
        Threads.count();
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 5, 6);
        INDArray r = x.reshape('c', 20, 6);
        assertTrue(Dense.rowMajor(x) && Dense.readableRowMajor(x));
        assertTrue(Dense.readableRowMajor(r), "a whole-buffer view with canonical strides reads as dense");
        assertFalse(Dense.rowMajor(r), "but is never written as a buffer of its own");
        assertFalse(Dense.readableRowMajor(x.get(NDArrayIndex.point(1))), "a slice starts past offset 0");
        assertFalse(Dense.readableRowMajor(r.transpose()), "a transpose has other strides");
    }

    /**
     * {@link Dense#rowMajor} and {@link Dense#readableRowMajor} spell out ND4J's {@code isView()} to
     * test for emptiness once: over arrays of every kind they agree with the plain form on ND4J's own
     * queries.
     */
    @Test
    void theLayoutTestsAgreeWithNd4jsOwnQueries() {
        Threads.count();
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 6);
        INDArray[] arrays = {
            x, x.reshape(24L), x.reshape(2L, 12L), x.transpose(), x.dup('f'), x.get(NDArrayIndex.point(0)),
            x.get(NDArrayIndex.interval(1, 3)), x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2)),
            x.castTo(DataType.DOUBLE), Nd4j.create(DataType.FLOAT, 0, 3), Nd4j.empty(DataType.FLOAT),
            Nd4j.scalar(2f), Nd4j.createFromArray(1L, 2L, 3L), Nd4j.create(new float[] {1, 2, 3}),
            BufferCache.uninitialized(DataType.FLOAT, 3, 2048), Nd4j.rand(DataType.FLOAT, 2, 3, 4).permute(0, 2, 1),
        };
        for (INDArray a : arrays) {
            boolean plain = !a.isEmpty() && a.ordering() == 'c' && !a.isView() && a.offset() == 0 && a.data().length() == a.length();
            boolean readable = !a.isEmpty() && a.ordering() == 'c' && a.offset() == 0 && a.data().length() == a.length()
                    && (!a.isView() || java.util.Arrays.equals(a.stride(), Nd4j.getStrides(a.shape(), 'c')));
            String what = a.dataType() + " " + java.util.Arrays.toString(a.shape()) + " view=" + a.isView();
            assertEquals(plain, Dense.rowMajor(a), "rowMajor of " + what);
            assertEquals(plain && a.dataType() == DataType.FLOAT, Dense.float32(a), "float32 of " + what);
            assertEquals(readable, Dense.readableRowMajor(a), "readableRowMajor of " + what);
        }
        assertFalse(Dense.rowMajor(null) || Dense.float32(null) || Dense.readableRowMajor(null));
    }

    @Test
    void aProductOfReshapedOperandsEqualsTheProductOfTheirCopies() {
        Threads.count();
        INDArray a = Nd4j.rand(DataType.FLOAT, 3, 40, 16).reshape('c', 120, 16);
        INDArray b = Nd4j.rand(DataType.FLOAT, 2, 8, 24).reshape('c', 16, 24);
        INDArray viaViews = Blas.gemm(a, false, b, false, Nd4j.createUninitialized(DataType.FLOAT, 120, 24), 1, 0);
        INDArray viaCopies = Blas.gemm(a.dup('c'), false, b.dup('c'), false,
                Nd4j.createUninitialized(DataType.FLOAT, 120, 24), 1, 0);
        assertArrayEquals(viaCopies.data().asFloat(), viaViews.data().asFloat());
    }
}
