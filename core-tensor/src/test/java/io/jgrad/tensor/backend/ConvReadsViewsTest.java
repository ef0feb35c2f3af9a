package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The cpu convolution, pooling and batch-norm kernels read a reshape of a dense array (what
 * {@code Unflatten} makes of the batch and {@code Flatten}'s backward makes of a gradient) in
 * place, with no dense copy first, and give bit for bit what they give for the copy; a view that
 * is not its whole buffer in row-major order is still copied.
 */
class ConvReadsViewsTest {
    private final ConvOps conv = Ops.of(Backend.CPU).conv();

    private static INDArray rand(long seed, long... shape) {
        return Tensor.uniform(new Rng(seed), -1, 1, shape).array();
    }

    /** {@code [n, c, h, w]} as a reshape view of a {@code [n, c·h·w]} array. */
    private static INDArray reshaped(long seed, long n, long c, long h, long w) {
        INDArray v = rand(seed, n, c * h * w).reshape('c', n, c, h, w);
        assertTrue(v.isView(), "ND4J marks a reshape as a view (the case this test is about)");
        return v;
    }

    private static void same(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.dup('c').data().asFloat(), actual.dup('c').data().asFloat(), what);
    }

    @Test
    void aReshapeIsReadInPlaceAndASliceIsCopied() {
        INDArray v = reshaped(1, 4, 3, 5, 5);
        assertTrue(HostFloats.readable(v));
        assertSame(v, HostFloats.dense(v), "no copy of a reshape");
        INDArray slice = rand(2, 6, 3, 5, 5).get(NDArrayIndex.interval(1, 5), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all());
        assertFalse(HostFloats.readable(slice), "a slice at an offset is not its buffer");
        assertFalse(HostFloats.fits(v), "nor may a kernel write through a reshape");
    }

    @Test
    void convolutionOfAReshapeEqualsThatOfItsCopy() {
        Conv2dSpec s = Conv2dSpec.square(3, 1, 1, 1);
        INDArray x = reshaped(3, 5, 2, 8, 8);
        INDArray w = rand(4, 6, 2, 3, 3);
        INDArray b = rand(5, 6);
        ConvOps.Conv2dResult viewed = conv.conv2dKeepingColumns(x, w, b, s);
        ConvOps.Conv2dResult copied = conv.conv2dKeepingColumns(x.dup('c'), w, b, s);
        same(copied.output(), viewed.output(), "forward");
        INDArray g = rand(6, 5, 6 * 8 * 8).reshape('c', 5, 6, 8, 8);
        INDArray[] dv = conv.conv2dBackward(x, w, true, g, s, rand(7, x.shape()), 0, true, true, viewed);
        INDArray[] dc = conv.conv2dBackward(x.dup('c'), w, true, g.dup('c'), s, rand(7, x.shape()), 0, true, true,
                copied);
        for (int i = 0; i < 3; i++) {
            same(dc[i], dv[i], "gradient " + i);
        }
        viewed.release();
        copied.release();
    }

    @Test
    void poolingAndBatchNormOfAReshapeEqualThoseOfItsCopy() {
        Conv2dSpec pool = Conv2dSpec.square(2, 2, 0, 1);
        INDArray x = reshaped(8, 4, 3, 6, 6);
        INDArray gPooled = rand(9, 4, 3 * 3 * 3).reshape('c', 4, 3, 3, 3);
        ConvOps.MaxPool2dResult pv = conv.reluMaxPool2d(x, pool);
        ConvOps.MaxPool2dResult pc = conv.reluMaxPool2d(x.dup('c'), pool);
        same(pc.output(), pv.output(), "relu + max pool");
        INDArray dxv = rand(10, x.shape());
        INDArray dxc = dxv.dup();
        conv.maxPool2dBackward(x, gPooled, pool, pv, dxv, 1);
        conv.maxPool2dBackward(x.dup('c'), gPooled.dup('c'), pool, pc, dxc, 1);
        same(dxc, dxv, "max pool backward");

        INDArray gamma = rand(11, 3);
        INDArray beta = rand(12, 3);
        ConvOps.BatchNorm2dPoolResult bv = conv.batchNorm2dReluMaxPool2d(x, gamma, beta, 1e-5, pool);
        ConvOps.BatchNorm2dPoolResult bc = conv.batchNorm2dReluMaxPool2d(x.dup('c'), gamma, beta, 1e-5, pool);
        same(bc.norm().output(), bv.norm().output(), "batch norm + relu + max pool");
        INDArray[] gv = conv.batchNorm2dReluMaxPool2dBackward(x, gPooled, gamma, bv, 1e-5, pool, rand(13, x.shape()), 0);
        INDArray[] gc = conv.batchNorm2dReluMaxPool2dBackward(x.dup('c'), gPooled.dup('c'), gamma, bc, 1e-5, pool,
                rand(13, x.shape()), 0);
        for (int i = 0; i < 3; i++) {
            same(gc[i], gv[i], "batch norm + relu + max pool, gradient " + i);
        }
    }
}
