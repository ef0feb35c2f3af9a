package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.GradCheck;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.Backend;
import io.jgrad.tensor.backend.LossPass;
import io.jgrad.tensor.backend.Ops;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-token training pieces (issue 19): the INT64 cross entropy and {@code Embedding} on INT64
 * indices against float64 finite differences, PyTorch's all-ignored rule, the errors that name
 * a bad target or index and its position, and the two backends' cross entropy side by side.
 */
class TokenLossesTest {
    private static final long[] TARGETS = {0, 3, -100, 2, 1, 1, 4, -100, 0, 3, 2, 2};

    private static Tensor randn64(long seed, long... shape) {
        return Tensor.randn(new Rng(seed), shape).to(DType.FLOAT64);
    }

    @Test
    void crossEntropyGradCheck() {
        Tensor targets = Tensor.ofLongs(TARGETS, 3, 4);
        GradCheck.assertGradients(v -> Losses.crossEntropy(v[0], targets), randn64(1, 3, 4, 5));
        Tensor with2 = Tensor.ofLongs(new long[] {2, 0, 1, 2, 2, 4}, 2, 3);
        GradCheck.assertGradients(v -> Losses.crossEntropy(v[0], with2, 2), randn64(2, 2, 3, 5));
        GradCheck.assertGradients(v -> Losses.crossEntropy(v[0].mul(v[0]), Tensor.ofLongs(new long[] {1, 0, 2}, 3)),
                randn64(3, 3, 3));
    }

    @Test
    void embeddingGradCheck() {
        Tensor idx = Tensor.ofLongs(new long[] {1, 3, 1, 0, 3, 3}, 2, 3);
        GradCheck.assertGradients(v -> Embedding.embedding(idx, v[0]).mul(v[1]), randn64(4, 5, 2), randn64(5, 2, 3, 2));
    }

    @Test
    void allIgnoredGivesNanLossAndZeroGradientAsPyTorch() {
        Variable logits = Variable.of(Tensor.randn(new Rng(6), 2, 3, 4), true);
        Variable loss = Losses.crossEntropy(logits, Tensor.ofLongs(new long[] {7, 7, 7, 7, 7, 7}, 2, 3), 7);
        assertTrue(Double.isNaN(loss.item()), "loss " + loss.item());
        loss.backward();
        assertArrayEquals(new float[24], logits.grad().toFloatArray(), 0f);
    }

    @Test
    void defaultIgnoreIndexIsMinus100() {
        Tensor x = Tensor.randn(new Rng(7), 4, 3);
        float all = Losses.crossEntropy(Variable.constant(x), Tensor.ofLongs(new long[] {0, 1, -100, 2}, 4)).item();
        Tensor kept = Tensor.of(Arrays.copyOf(x.toFloatArray(), 6), 2, 3);
        Tensor last = Tensor.of(Arrays.copyOfRange(x.toFloatArray(), 9, 12), 1, 3);
        float a = Losses.crossEntropy(Variable.constant(kept), new int[] {0, 1}).item();
        float b = Losses.crossEntropy(Variable.constant(last), new int[] {2}).item();
        assertEquals((2 * a + b) / 3, all, 1e-6);
    }

    @Test
    void badTargetsNameTheValueAndPosition() {
        Variable logits = Variable.constant(Tensor.zeros(2, 3, 4));
        String m = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits,
                Tensor.ofLongs(new long[] {0, 1, 2, 3, 9, 0}, 2, 3))).getMessage();
        assertTrue(m.contains("crossEntropy") && m.contains("target 9") && m.contains("[1, 1]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits,
                Tensor.ofLongs(new long[] {0, 1, 2, -1, 0, 0}, 2, 3), 5)).getMessage();
        assertTrue(m.contains("target -1") && m.contains("[1, 0]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits,
                Tensor.ofLongs(new long[] {0, 1, 2}, 3))).getMessage();
        assertTrue(m.contains("[2, 3, 4]") && m.contains("[2, 3]") && m.contains("[3]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits,
                Tensor.zeros(2, 3))).getMessage();
        assertTrue(m.contains("INT64") && m.contains("FLOAT32"), m);
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(
                Variable.constant(Tensor.ofLongs(new long[] {1, 2}, 1, 2)), Tensor.ofLongs(new long[] {0}, 1)));
    }

    @Test
    void embeddingTakesInt64OfAnyShapeAndNamesABadIndex() {
        Embedding emb = new Embedding(5, 3, new Rng(8));
        Variable y = emb.forward(Variable.constant(Tensor.ofLongs(new long[] {4, 0, 4, 2, 1, 3, 0, 0}, 2, 2, 2)));
        assertArrayEquals(new long[] {2, 2, 2, 3}, y.shape());
        float[] w = emb.weight().value().toFloatArray();
        assertArrayEquals(Arrays.copyOfRange(w, 12, 15), Arrays.copyOfRange(y.value().toFloatArray(), 0, 3));
        Variable old = emb.forward(Variable.constant(Tensor.of(new float[] {4, 0}, 2)));
        assertArrayEquals(Arrays.copyOfRange(y.value().toFloatArray(), 0, 6), old.value().toFloatArray(),
                "whole-number float indices still work");
        String m = assertThrows(IllegalArgumentException.class, () -> emb.forward(Variable.constant(
                Tensor.ofLongs(new long[] {0, 1, 2, 5}, 2, 2)))).getMessage();
        assertTrue(m.contains("Embedding(5, 3)") && m.contains("index 5") && m.contains("[1, 1]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> emb.forward(Variable.constant(
                Tensor.ofLongs(new long[] {-1}, 1)))).getMessage();
        assertTrue(m.contains("index -1") && m.contains("[0]"), m);
    }

    @Test
    void bothBackendsComputeTheSameCrossEntropy() {
        INDArray logits = Tensor.randn(new Rng(9), 12, 5).array();
        INDArray targets = Tensor.ofLongs(TARGETS, 3, 4).array();
        INDArray g = Nd4j.scalar(1.5f);
        LossPass cpu = Ops.of(Backend.CPU).crossEntropy(logits, targets, -100);
        LossPass nd4j = Ops.of(Backend.ND4J).crossEntropy(logits, targets, -100);
        assertEquals(cpu.value().getDouble(0), nd4j.value().getDouble(0), 1e-5);
        assertArrayEquals(cpu.backward(g)[0].dup('c').data().asFloat(), nd4j.backward(g)[0].dup('c').data().asFloat(), 1e-6f);
        INDArray none = Tensor.ofLongs(new long[12], 3, 4).array();
        assertTrue(Double.isNaN(Ops.of(Backend.ND4J).crossEntropy(logits, none, 0).value().getDouble(0)));
        assertArrayEquals(new float[60], Ops.of(Backend.ND4J).crossEntropy(logits, none, 0).backward(g)[0]
                .dup('c').data().asFloat(), 0f);
    }
}
