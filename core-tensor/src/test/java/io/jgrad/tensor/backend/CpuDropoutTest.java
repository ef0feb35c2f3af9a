package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cpu} backend's fused dropout draws its decisions in parallel from the generator's
 * counter, yet drops exactly the elements one {@code nextDouble() < p} per element in order would
 * ({@link Ops#dropoutMask}, the {@code nd4j} backend's mask), on sizes that split over the cores
 * and end mid-word, and leaves the generator (spare Gaussian included) where those draws would.
 */
class CpuDropoutTest {
    private static final Ops CPU = Ops.of(Backend.CPU);

    @Test
    void dropsWhatSequentialDrawsDropAndAdvancesTheGeneratorAsMuch() {
        for (int n : new int[] {1, 63, 64, 200_003}) {
            for (double p : new double[] {0, 0.1, 0.5, 0.999}) {
                INDArray x = Tensor.uniform(new Rng(n), 0.5, 1.5, n).array();
                Rng fused = new Rng(42);
                Rng sequential = new Rng(42);
                fused.nextGaussian();                                   // a pending spare Gaussian must survive
                sequential.nextGaussian();
                DropoutPass pass = CPU.dropout(fused, p, x);
                INDArray mask = CPU.dropoutMask(sequential, p, DataType.FLOAT, n);
                String what = "n=" + n + " p=" + p;
                assertArrayEquals(x.mul(mask).toFloatVector(), pass.output().toFloatVector(), 0f, what);
                INDArray g = Tensor.uniform(new Rng(7), -1, 1, n).array();
                assertArrayEquals(g.mul(mask).toFloatVector(), pass.backward(g).toFloatVector(), 0f, what);
                assertEquals(sequential.nextGaussian(), fused.nextGaussian(), 0, what + " spare");
                assertEquals(sequential.nextLong(), fused.nextLong(), what + " stream");
            }
        }
    }

    @Test
    void dropsEverythingAtPOne() {
        INDArray x = Tensor.uniform(new Rng(1), -1, 1, 1000).array();
        Rng rng = new Rng(3);
        assertArrayEquals(new float[1000], CPU.dropout(rng, 1, x).output().toFloatVector(), 0f);
        assertEquals(new Rng(3).nextLong(), rng.nextLong(), "no draws at p = 1");
    }
}
