package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jgrad.tensor.Threads;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Nd4jBroadcasts} gives ND4J's own row and column broadcasts' results, bit for bit, in
 * place, and reads a row or column of the array itself before writing it.
 */
class Nd4jBroadcastsTest {
    private static final long[][] SHAPES = {{5, 7}, {1, 7}, {3, 1}, {1, 1}};

    @Test
    void rowBroadcastsEqualNd4jsOwn() {
        Threads.count();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (long[] shape : SHAPES) {
                INDArray x = Nd4j.rand(type, shape).subi(0.5);
                for (INDArray row : new INDArray[] {Nd4j.rand(type, shape[1]), Nd4j.rand(type, 1, shape[1])}) {
                    check("rowMuli " + type, x, row, Nd4jBroadcasts::rowMuli, INDArray::muliRowVector);
                    check("rowAddi " + type, x, row, Nd4jBroadcasts::rowAddi, INDArray::addiRowVector);
                    check("rowSubi " + type, x, row, Nd4jBroadcasts::rowSubi, INDArray::subiRowVector);
                }
            }
        }
    }

    @Test
    void columnBroadcastsEqualNd4jsOwn() {
        Threads.count();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (long[] shape : SHAPES) {
                for (char order : new char[] {'c', 'f'}) {
                    INDArray x = Nd4j.rand(type, shape).subi(0.5).dup(order);
                    for (INDArray column : new INDArray[] {Nd4j.rand(type, shape[0]), Nd4j.rand(type, shape[0], 1)}) {
                        INDArray asColumn = column.reshape(shape[0], 1);              // ND4J's own take only [N, 1] for every order
                        check("columnMuli " + type + " " + order, x, column, Nd4jBroadcasts::columnMuli, (a, c) -> a.muliColumnVector(asColumn));
                        check("columnSubi " + type + " " + order, x, column, Nd4jBroadcasts::columnSubi, (a, c) -> a.subiColumnVector(asColumn));
                    }
                }
            }
        }
    }

    @Test
    void aRowOrColumnSharingTheArraysBufferIsReadBeforeItIsWritten() {
        Threads.count();
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 6);
        INDArray expected = x.dup().subiRowVector(x.getRow(2).dup());
        INDArray mine = x.dup();
        Nd4jBroadcasts.rowSubi(mine, mine.getRow(2));
        assertArrayEquals(expected.data().asFloat(), mine.data().asFloat(), 0f);

        expected = x.dup().muliColumnVector(x.getColumn(1).dup());
        mine = x.dup();
        Nd4jBroadcasts.columnMuli(mine, mine.getColumn(1));
        assertArrayEquals(expected.data().asFloat(), mine.data().asFloat(), 0f);
    }

    @Test
    void aBroadcastOpRunsToItsResult() {
        Threads.count();
        INDArray scores = Nd4j.rand(DataType.FLOAT, 2, 3, 4);
        INDArray bias = Nd4j.rand(DataType.FLOAT, 3, 4);
        INDArray expected = scores.dup();
        for (int b = 0; b < 2; b++) {
            expected.slice(b).addi(bias);
        }
        INDArray mine = scores.dup();
        assertSame(mine, Nd4jBroadcasts.exec(new BroadcastAddOp(mine, bias, mine, 1, 2)));
        assertArrayEquals(expected.data().asFloat(), mine.data().asFloat(), 0f);
    }

    private static void check(String what, INDArray x, INDArray v, BinaryOperator<INDArray> mine, BinaryOperator<INDArray> nd4j) {
        INDArray ours = x.dup(x.ordering());
        assertSame(ours, mine.apply(ours, v), what);
        INDArray theirs = nd4j.apply(x.dup(x.ordering()), v);
        assertArrayEquals(theirs.dup('c').data().asDouble(), ours.dup('c').data().asDouble(), 0.0, what + " " + java.util.Arrays.toString(x.shape()));
    }
}
