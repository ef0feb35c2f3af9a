package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.Threads;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link HostSpan}: bulk copies by address land where ND4J reads them, and bad ranges copy nothing. */
class HostSpanTest {

    @Test
    void copiesLandWhereNd4jReadsThem() {
        Threads.count();
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, new long[] {3, 5}, 'c');
        HostSpan s = Transfers.hostView(a);
        assertEquals(15, s.length());
        float[] src = new float[20];
        for (int i = 0; i < src.length; i++) {
            src[i] = i - 7.5f;
        }
        s.put(0, src, 5, 15);                       // src[5..20) into elements 0..15
        for (int i = 0; i < 15; i++) {
            assertEquals(src[5 + i], a.getFloat(i / 5, i % 5), 0f);
        }
        float[] back = new float[6];
        s.get(9, back, 1, 5);                       // elements 9..14 into back[1..6)
        assertArrayEquals(new float[] {0, src[14], src[15], src[16], src[17], src[18]}, back, 0f);
        a.putScalar(1, 1, -0f);
        int[] bits = new int[1];
        s.getBits(6, bits, 0, 1);
        assertEquals(Float.floatToRawIntBits(-0f), bits[0], "bits are read raw, the sign of zero kept");
        s.putBits(0, new int[] {Float.floatToRawIntBits(Float.NaN) | 1}, 0, 1);
        assertEquals(Float.floatToRawIntBits(Float.NaN) | 1, Float.floatToRawIntBits(a.getFloat(0, 0)), "a NaN payload survives");
    }

    @Test
    void aRangeOutsideEitherSideThrowsAndCopiesNothing() {
        Threads.count();
        INDArray a = Nd4j.zeros(DataType.FLOAT, 4);
        HostSpan s = Transfers.hostView(a);
        float[] ones = {1, 1, 1, 1, 1};
        assertThrows(IndexOutOfBoundsException.class, () -> s.put(0, ones, 0, 5));      // past the span
        assertThrows(IndexOutOfBoundsException.class, () -> s.put(2, ones, 3, 3));      // past the array
        assertThrows(IndexOutOfBoundsException.class, () -> s.put(-1, ones, 0, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(1, new float[2], 0, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> s.getBits(0, new int[3], 0, 4));
        assertArrayEquals(new float[4], a.data().asFloat(), 0f);
    }

    @Test
    void anArrayThatIsNotFloat32FromItsBuffersStartIsRefused() {
        Threads.count();
        IllegalArgumentException bytes = assertThrows(IllegalArgumentException.class,
                () -> Transfers.hostView(Nd4j.create(DataType.INT8, 16)));
        assertTrue(bytes.getMessage().contains("BYTE [16]"), bytes.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Transfers.hostView(Nd4j.create(DataType.DOUBLE, 4)));
        INDArray x = Nd4j.create(DataType.FLOAT, 4, 5);
        assertThrows(IllegalArgumentException.class, () -> Transfers.hostView(x.get(NDArrayIndex.interval(1, 3))));
    }
}
