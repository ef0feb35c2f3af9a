package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The autograd side of INT64 tensors (issue 19): {@code argmax} results, {@code view},
 * {@code maskedFill} (values, -inf fills, float64 GradChecks) and the clear refusal of float ops
 * on INT64 values, on whichever backend the run selects.
 */
class IntOpsTest {

    private static Tensor normal(long seed, long... shape) {
        return Tensor.randn(new Rng(seed), shape).to(DType.FLOAT64);
    }

    @Test
    void argmaxIsInt64WithFirstIndexOnTies() {
        Variable x = Variable.of(Tensor.of(new float[] {1, 3, 3, 2, 2, 1}, 2, 3), true);
        Variable a = x.argmax(1);
        assertEquals(DType.INT64, a.value().dtype());
        assertArrayEquals(new long[] {2}, a.shape());
        assertArrayEquals(new long[] {1, 0}, a.value().toLongArray());
        assertFalse(a.requiresGrad());
        assertArrayEquals(new long[] {2, 1}, x.argmax(-1, true).shape());
        assertArrayEquals(new long[] {1, 0, 0}, x.argmax(0).value().toLongArray());
        assertEquals(DType.INT64, x.argmin(1, false).value().dtype());
    }

    @Test
    void viewIsReshape() {
        Variable x = Variable.of(normal(1, 2, 3, 4), true);
        Variable v = x.view(6, -1);
        assertArrayEquals(new long[] {6, 4}, v.shape());
        assertArrayEquals(x.value().toDoubleArray(), v.value().toDoubleArray());
        GradCheck.assertGradients(in -> in[0].view(4, 6).mul(in[0].view(4, 6)), normal(2, 2, 3, 4));
        Variable ids = Variable.constant(Tensor.arange(6)).view(2, 3);
        assertEquals(DType.INT64, ids.value().dtype());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, ids.value().toLongArray());
    }

    @Test
    void maskedFillSelectsAndKeepsInfinities() {
        Variable x = Variable.of(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), true);
        Tensor causal = Tensor.ofLongs(new long[] {0, 1, 1}, 3);
        Variable y = x.maskedFill(causal, Double.NEGATIVE_INFINITY);
        assertArrayEquals(new float[] {1, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY,
            4, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, y.value().toFloatArray());
        Variable s = y.softmax(1);
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 0}, s.value().toFloatArray(), 0f);
        x.maskedFill(causal, 7).sum().backward();
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 0}, x.grad().toFloatArray(), 0f);
        Variable inf = Variable.constant(Tensor.of(new float[] {Float.POSITIVE_INFINITY, Float.NaN}, 2));
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, 0}, inf.maskedFill(
                Tensor.of(new float[] {0, 1}, 2), 0).value().toFloatArray(), 0f);
        Variable ints = Variable.constant(Tensor.ofLongs(new long[] {5, 6}, 2));
        assertArrayEquals(new long[] {5, -1}, ints.maskedFill(Tensor.ofLongs(new long[] {0, 1}, 2), -1)
                .value().toLongArray());
    }

    @Test
    void bothBackendsFillACausalMaskAlike() {
        Tensor x = Tensor.randn(new Rng(4), 2, 3, 5, 5);
        long[] tri = new long[25];
        for (int i = 0; i < 5; i++) {
            for (int j = i + 1; j < 5; j++) {
                tri[i * 5 + j] = 1;
            }
        }
        for (Tensor mask : new Tensor[] {Tensor.ofLongs(tri, 1, 1, 5, 5), Tensor.ofLongs(tri, 5, 5),
            Tensor.of(new float[] {0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1}, 1, 3, 1, 5)}) {
            org.nd4j.linalg.api.ndarray.INDArray m = io.jgrad.tensor.Broadcast.withRank(mask.array(), 4);
            float[] cpu = io.jgrad.tensor.backend.Ops.of(io.jgrad.tensor.backend.Backend.CPU)
                    .maskedFill(x.array(), m, Double.NEGATIVE_INFINITY).dup('c').data().asFloat();
            float[] nd4j = io.jgrad.tensor.backend.Ops.of(io.jgrad.tensor.backend.Backend.ND4J)
                    .maskedFill(x.array(), m, Double.NEGATIVE_INFINITY).dup('c').data().asFloat();
            assertArrayEquals(nd4j, cpu, 0f);
            assertEquals(Float.NEGATIVE_INFINITY, cpu[1]);
            assertEquals(x.toFloatArray()[0], cpu[0]);
        }
        assertEquals(x.toFloatArray()[5], Variable.constant(x).maskedFill(Tensor.ofLongs(tri, 5, 5), -1)
                .value().toFloatArray()[5], "below the diagonal stays");
    }

    @Test
    void maskedFillGradCheck() {
        Tensor mask = Tensor.of(new float[] {1, 0, 0, 1, 0, 1, 1, 0}, 2, 1, 4);
        GradCheck.assertGradients(v -> v[0].maskedFill(mask, -3.5).mul(v[0]), normal(2, 2, 3, 4));
        Tensor full = Tensor.ofLongs(new long[] {1, 0, 0, 0, 1, 0}, 2, 3);
        GradCheck.assertGradients(v -> v[0].maskedFill(full, 0).exp(), normal(3, 2, 3));
    }

    @Test
    void maskedFillRejectsAMaskThatDoesNotBroadcastToTheInput() {
        Variable x = Variable.constant(Tensor.zeros(2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> x.maskedFill(Tensor.zeros(4, 2, 3), 1));
        assertTrue(e.getMessage().contains("maskedFill") && e.getMessage().contains("[4, 2, 3]")
                && e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.maskedFill(Tensor.zeros(4), 1));
        assertThrows(IllegalArgumentException.class, () -> x.maskedFill(null, 1));
    }

    @Test
    void floatOpsOnInt64NameTheOpAndTheType() {
        Variable i = Variable.constant(Tensor.ofLongs(new long[] {1, 2, 3, 4}, 2, 2));
        List<Function<Variable, Variable>> ops = List.of(Variable::exp, Variable::relu, Variable::sum,
                v -> v.add(v), v -> v.mul(2), v -> v.matmul(v), v -> v.softmax(1), v -> v.mean(0, false),
                Variable::sigmoid, v -> v.max(1, false));
        List<String> names = List.of("exp", "relu", "sum", "add", "mul", "matmul", "softmax", "mean", "sigmoid", "max");
        for (int k = 0; k < ops.size(); k++) {
            Function<Variable, Variable> op = ops.get(k);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.apply(i));
            assertTrue(e.getMessage().startsWith(names.get(k) + ":") && e.getMessage().contains("INT64"),
                    e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Variable.of(Tensor.ofLongs(new long[] {1}, 1), true));
        assertTrue(e.getMessage().contains("INT64"), e.getMessage());
        assertArrayEquals(new long[] {4}, i.reshape(4).shape(), "shape ops take INT64");
        assertArrayEquals(new long[] {2, 2}, i.transpose(0, 1).shape());
    }
}
