package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jgrad.tensor.Threads;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link Nd4jRows} gives ND4J's own row broadcasts' results, bit for bit, in place, and reads a row before writing it. */
class Nd4jRowsTest {

    @Test
    void rowBroadcastsEqualNd4jsOwn() {
        Threads.count();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (long[] shape : new long[][] {{5, 7}, {1, 7}, {3, 1}}) {
                INDArray x = Nd4j.rand(type, shape).subi(0.5);
                for (INDArray row : new INDArray[] {Nd4j.rand(type, shape[1]), Nd4j.rand(type, 1, shape[1])}) {
                    INDArray mine = x.dup();
                    assertSame(mine, Nd4jRows.muli(mine, row));
                    assertArrayEquals(x.dup().muliRowVector(row).data().asDouble(), mine.data().asDouble(), 0.0, "muli " + type);
                    mine = x.dup();
                    assertSame(mine, Nd4jRows.addi(mine, row));
                    assertArrayEquals(x.dup().addiRowVector(row).data().asDouble(), mine.data().asDouble(), 0.0, "addi " + type);
                    mine = x.dup();
                    assertSame(mine, Nd4jRows.subi(mine, row));
                    assertArrayEquals(x.dup().subiRowVector(row).data().asDouble(), mine.data().asDouble(), 0.0, "subi " + type);
                }
            }
        }
    }

    @Test
    void aRowSharingTheArraysBufferIsReadBeforeItIsWritten() {
        Threads.count();
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 6);
        INDArray expected = x.dup().subiRowVector(x.getRow(2).dup());
        INDArray mine = x.dup();
        Nd4jRows.subi(mine, mine.getRow(2));
        assertArrayEquals(expected.data().asFloat(), mine.data().asFloat(), 0f);
    }
}
