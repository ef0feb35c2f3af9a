package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The sequence-model kernels agree between backends: the cpu backend's fused JVM cells against
 * the nd4j backend's ND4J-op cells on the same float32 arrays (every output and every in-place
 * argument compared), the batched products and the causal mask against plain references.
 */
class SequenceKernelsAgreementTest {
    private static final Ops CPU = Ops.of(Backend.CPU);
    private static final Ops ND4J = Ops.of(Backend.ND4J);
    private long seed = 900;

    private INDArray rand(long... shape) {
        return Tensor.uniform(new Rng(seed++), -2, 2, shape).array();
    }

    private static void sameOnBoth(String what, BiConsumer<Ops, INDArray[]> kernel, INDArray... arrays) {
        INDArray[] c = new INDArray[arrays.length];
        INDArray[] n = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            c[i] = arrays[i].dup('c');
            n[i] = arrays[i].dup('c');
        }
        kernel.accept(CPU, c);
        kernel.accept(ND4J, n);
        for (int i = 0; i < arrays.length; i++) {
            double[] e = n[i].data().asDouble();
            double[] a = c[i].data().asDouble();
            for (int j = 0; j < e.length; j++) {
                assertEquals(e[j], a[j], 2e-6 * Math.max(1, Math.abs(e[j])), what + ", array " + i + ", element " + j);
            }
        }
    }

    @Test
    void lstmCellForwardAndBackward() {
        sameOnBoth("lstmCell", (o, a) -> o.lstmCell(a[0], a[1], a[2], a[3]), rand(3, 20), rand(3, 5), rand(3, 5), rand(3, 5));
        sameOnBoth("lstmCellBackward", (o, a) -> o.lstmCellBackward(a[0], a[1], a[2], a[3], a[4], a[5]),
                Tensor.uniform(new Rng(1), 0.05, 0.95, 3, 20).array(), rand(3, 5), rand(3, 5), rand(3, 5), rand(3, 5),
                rand(3, 20));
    }

    @Test
    void gruCellForwardAndBackward() {
        sameOnBoth("gruCell", (o, a) -> o.gruCell(a[0], a[1], a[2], a[3]), rand(4, 9), rand(4, 9), rand(4, 3), rand(4, 3));
        sameOnBoth("gruCellBackward", (o, a) -> o.gruCellBackward(a[0], a[1], a[2], a[3], a[4], a[5], a[6]),
                Tensor.uniform(new Rng(2), 0.05, 0.95, 4, 9).array(), rand(4, 9), rand(4, 3), rand(4, 3), rand(4, 9),
                rand(4, 9), rand(4, 3));
    }

    @Test
    void batchedGemmIsOneProductPerBatchEntry() {
        INDArray a = rand(3, 4, 2);
        INDArray b = rand(3, 5, 2);
        for (Ops o : new Ops[] {CPU, ND4J}) {
            INDArray y = o.batchedGemm(a, false, b, true, 0.5);
            assertArrayEquals(new long[] {3, 4, 5}, y.shape());
            for (int i = 0; i < 3; i++) {
                INDArray ref = a.slice(i).mmul(b.slice(i).transpose()).muli(0.5);
                assertArrayEquals(ref.dup('c').data().asDouble(), y.slice(i).dup('c').data().asDouble(), 1e-6);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CPU.batchedGemm(a, false, b, false, 1));
        assertEquals(true, e.getMessage().contains("batchedGemm") && e.getMessage().contains("[3, 5, 2]"), e.getMessage());
    }

    @Test
    void causalMaskIsTopLeftAligned() {
        for (Ops o : new Ops[] {CPU, ND4J}) {
            INDArray s = rand(2, 3, 4);
            INDArray before = s.dup();
            o.maskAboveDiagonal(s, Double.NEGATIVE_INFINITY);
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 4; j++) {
                        double want = j > i ? Double.NEGATIVE_INFINITY : before.getDouble(b, i, j);
                        assertEquals(want, s.getDouble(b, i, j), 0, "element " + b + "," + i + "," + j);
                    }
                }
            }
        }
    }
}
