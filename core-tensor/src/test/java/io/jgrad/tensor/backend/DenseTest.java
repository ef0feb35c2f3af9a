package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
