package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** NumPy's broadcasting rules, and summing a broadcast gradient back to an input's shape. */
class BroadcastTest {

    private static long[] s(long... dims) {
        return dims;
    }

    @Test
    void shapeFollowsNumpyRules() {
        assertArrayEquals(s(2, 3), Broadcast.shape("add", s(2, 3), s(2, 3)));
        assertArrayEquals(s(2, 3), Broadcast.shape("add", s(2, 3), s(3)));
        assertArrayEquals(s(2, 3), Broadcast.shape("add", s(3), s(2, 3)));
        assertArrayEquals(s(2, 3), Broadcast.shape("mul", s(2, 1), s(1, 3)));
        assertArrayEquals(s(4, 3), Broadcast.shape("div", s(4, 1), s(3)));
        assertArrayEquals(s(2, 3, 4), Broadcast.shape("add", s(2, 3, 4), s(3, 1)));
        assertArrayEquals(s(2, 3), Broadcast.shape("add", s(2, 3), s()));
        assertArrayEquals(s(), Broadcast.shape("add", s(), s()));
        assertArrayEquals(s(5, 0), Broadcast.shape("add", s(5, 1), s(0)));
    }

    @Test
    void shapeRejectsIncompatibleDimensionsNamingOpAndBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Broadcast.shape("sub", s(2, 3), s(4)));
        assertTrue(e.getMessage().contains("sub"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Broadcast.shape("add", s(2, 3, 4), s(2, 4)));
    }

    private static INDArray arange(long... shape) {
        return Nd4j.arange(Shapes.size(shape)).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).reshape('c', shape);
    }

    @Test
    void reduceToSumsStretchedAndLeadingDimensions() {
        INDArray g = arange(2, 3); // [[0,1,2],[3,4,5]]
        INDArray toRow = Broadcast.reduceTo(g, s(3));
        assertArrayEquals(s(3), toRow.shape());
        assertArrayEquals(new float[] {3, 5, 7}, toRow.toFloatVector());
        INDArray toCol = Broadcast.reduceTo(g, s(2, 1));
        assertArrayEquals(s(2, 1), toCol.shape());
        assertArrayEquals(new float[] {3, 12}, toCol.dup('c').data().asFloat());
        INDArray toKeptRow = Broadcast.reduceTo(g, s(1, 3));
        assertArrayEquals(s(1, 3), toKeptRow.shape());
        assertArrayEquals(new float[] {3, 5, 7}, toKeptRow.dup('c').data().asFloat());
        INDArray toScalar = Broadcast.reduceTo(g, s());
        assertArrayEquals(s(), toScalar.shape());
        assertArrayEquals(new float[] {15}, toScalar.dup('c').data().asFloat());
        INDArray toOne = Broadcast.reduceTo(g, s(1));
        assertArrayEquals(s(1), toOne.shape());
        assertArrayEquals(new float[] {15}, toOne.dup('c').data().asFloat());
    }

    @Test
    void reduceToHandlesRank3() {
        INDArray g = arange(2, 3, 4);
        INDArray r = Broadcast.reduceTo(g, s(3, 1));
        assertArrayEquals(s(3, 1), r.shape());
        // element [j] sums g[i, j, k] over i and k: j=0 -> (0..3)+(12..15) = 6 + 54
        assertArrayEquals(new float[] {60, 92, 124}, r.dup('c').data().asFloat());
    }

    @Test
    void reduceToReturnsTheSameArrayWhenNothingWasStretched() {
        INDArray g = arange(2, 3);
        assertSame(g, Broadcast.reduceTo(g, s(2, 3)));
    }

    @Test
    void reduceToRejectsShapesThatCannotHaveBroadcast() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Broadcast.reduceTo(arange(2, 3), s(4)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Broadcast.reduceTo(arange(3), s(2, 3)));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
