package io.jgrad.nn;

import static io.jgrad.nn.Golden.assertClose;
import static io.jgrad.nn.Golden.assertScalar;
import static org.junit.jupiter.api.Assertions.assertNull;
import static io.jgrad.nn.Rejects.assertRejects;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgrad.autograd.GradCheck;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every loss against PyTorch's values and gradients, finite differences, and input validation. */
class LossesTest {
    private static final JsonNode CASES = Golden.cases("nn.json");

    private static Variable leaf(JsonNode t) {
        return Variable.of(Golden.tensor(t), true);
    }

    // ---------------------------------------------------------------- golden

    @Test
    void crossEntropyFamilyMatchesPyTorch() {
        for (String name : List.of("ce", "ce_weighted", "ce_smoothing", "ce_weighted_smoothing", "ce_large_logits")) {
            JsonNode c = CASES.get(name);
            Variable logits = leaf(c.get("logits"));
            int[] y = Golden.ints(c.get("targets"));
            float[] w = c.get("weights").isNull() ? null : Golden.floats(c.get("weights"));
            double eps = c.get("smoothing").asDouble();
            Variable loss = eps == 0 && w == null ? Losses.crossEntropy(logits, y)
                    : eps == 0 ? Losses.crossEntropy(logits, y, w) : Losses.crossEntropy(logits, y, w, eps);
            loss.backward();
            assertScalar(c.get("loss").asDouble(), loss.value(), name + " loss");
            assertClose(c.get("dlogits"), logits.grad(), name + " dlogits");
        }
    }

    @Test
    void mseMatchesPyTorch() {
        JsonNode c = CASES.get("mse");
        Variable p = leaf(c.get("prediction"));
        Variable t = leaf(c.get("target"));
        Variable loss = Losses.mse(p, t);
        loss.backward();
        assertScalar(c.get("loss").asDouble(), loss.value(), "mse");
        assertClose(c.get("dprediction"), p.grad(), "mse dprediction");
        assertClose(c.get("dtarget"), t.grad(), "mse dtarget");
    }

    @Test
    void bceWithLogitsMatchesPyTorch() {
        JsonNode c = CASES.get("bce");
        Variable x = leaf(c.get("logits"));
        Variable y = leaf(c.get("targets"));
        Variable loss = Losses.bceWithLogits(x, y);
        loss.backward();
        assertScalar(c.get("loss").asDouble(), loss.value(), "bce");
        assertClose(c.get("dlogits"), x.grad(), "bce dlogits");
        assertClose(c.get("dtargets"), y.grad(), "bce dtargets");
    }

    @Test
    void klDivergenceMatchesPyTorchBatchmean() {
        JsonNode c = CASES.get("kl");
        Variable in = leaf(c.get("input"));
        Variable t = leaf(c.get("target"));
        Variable loss = Losses.klDivergence(in, t);
        loss.backward();
        assertScalar(c.get("loss").asDouble(), loss.value(), "kl");
        assertClose(c.get("dinput"), in.grad(), "kl dinput");
        assertClose(c.get("dtarget"), t.grad(), "kl dtarget");
    }

    @Test
    void distillationMatchesPyTorchAndLeavesTheTeacherAlone() {
        for (String name : List.of("distill", "distill_alpha0", "distill_soft_only")) {
            JsonNode c = CASES.get(name);
            Variable s = leaf(c.get("student"));
            Variable t = leaf(c.get("teacher"));
            int[] y = c.get("targets").isNull() ? null : Golden.ints(c.get("targets"));
            Variable loss = Losses.distillation(s, t, y, c.get("temperature").asDouble(), c.get("alpha").asDouble());
            loss.backward();
            assertScalar(c.get("loss").asDouble(), loss.value(), name + " loss");
            assertClose(c.get("dstudent"), s.grad(), name + " dstudent");
            assertNull(t.grad(), name + ": no gradient may reach the teacher");
        }
    }

    @Test
    void penaltiesMatchPyTorch() {
        JsonNode c = CASES.get("penalties");
        double lambda = c.get("lambda").asDouble();
        for (String kind : List.of("l1", "l2")) {
            List<Variable> ps = List.of(leaf(c.get("params").get(0)), leaf(c.get("params").get(1)));
            Variable loss = kind.equals("l1") ? Penalties.l1(ps, lambda) : Penalties.l2(ps, lambda);
            loss.backward();
            assertScalar(c.get(kind).asDouble(), loss.value(), kind);
            for (int i = 0; i < ps.size(); i++) {
                assertClose(c.get("d" + kind).get(i), ps.get(i).grad(), kind + " grad of param " + i);
            }
        }
    }

    // ---------------------------------------------------------------- finite differences (float64)

    @Test
    void fusedLossGradientsPassGradCheck() {
        int[] y = {2, 0, 1, 2};
        float[] w = {0.3f, 2f, 1.1f};
        Tensor logits = Tensor.randn(new Rng(11), 4, 3).to(DType.FLOAT64);
        GradCheck.assertGradients(v -> Losses.crossEntropy(v[0], y), logits);
        GradCheck.assertGradients(v -> Losses.crossEntropy(v[0], y, w, 0.25), logits);
        GradCheck.assertGradients(v -> Losses.distillation(v[0], Variable.constant(Tensor.randn(new Rng(12), 4, 3)
                .to(DType.FLOAT64)), y, 2.5, 0.7), logits);
        Tensor other = Tensor.randn(new Rng(13), 4, 3).to(DType.FLOAT64);
        GradCheck.assertGradients(v -> Losses.mse(v[0], v[1]), logits, other);
        Tensor probs = Tensor.uniform(new io.jgrad.tensor.Rng(5), 0.05, 1, 4, 3).to(DType.FLOAT64);
        GradCheck.assertGradients(v -> Losses.bceWithLogits(v[0], v[1]), logits, probs);
        GradCheck.assertGradients(v -> Losses.klDivergence(v[0].logSoftmax(1), v[1].softmax(1)), logits, other);
        Tensor params = Tensor.randn(new Rng(14), 2, 3).to(DType.FLOAT64);
        GradCheck.assertGradients(v -> Penalties.l1(List.of(v[0], v[1]), 0.3), params, other);
        GradCheck.assertGradients(v -> Penalties.l2(List.of(v[0], v[1]), 0.3), params, other);
    }

    // ---------------------------------------------------------------- validation

    @Test
    void badInputsAreRejectedWithNamedMessages() {
        Variable logits = Variable.of(Tensor.zeros(3, 4), true);
        assertRejects(() -> Losses.crossEntropy(logits, new int[] {0, 4, 1}), "crossEntropy", "targets[1] = 4", "4 classes");
        assertRejects(() -> Losses.crossEntropy(logits, new int[] {0, -1, 1}), "crossEntropy", "targets[1] = -1");
        assertRejects(() -> Losses.crossEntropy(logits, new int[] {0, 1}), "crossEntropy", "3 rows", "2 labels");
        assertRejects(() -> Losses.crossEntropy(logits, new int[] {0, 1, 2}, new float[] {1, 1, 1}), "classWeights",
                "3 entries", "4 classes");
        assertRejects(() -> Losses.crossEntropy(logits, new int[] {0, 1, 2}, new float[] {1, -2, 1, 1}),
                "classWeights[1] = -2.0");
        assertRejects(() -> Losses.crossEntropy(logits, new int[] {0, 1, 2}, null, 1.5), "labelSmoothing", "1.5");
        assertRejects(() -> Losses.crossEntropy(Variable.of(Tensor.zeros(0, 4), true), new int[0]), "empty batch", "[0, 4]");
        assertRejects(() -> Losses.crossEntropy(Variable.of(Tensor.zeros(4), true), new int[4]), "logits", "[4]");
        assertRejects(() -> Losses.mse(logits, Variable.constant(Tensor.zeros(4, 3))), "mse", "[3, 4]", "[4, 3]");
        assertRejects(() -> Losses.bceWithLogits(logits, Variable.constant(Tensor.zeros(3))), "bceWithLogits", "[3]");
        assertRejects(() -> Losses.klDivergence(logits, Variable.constant(Tensor.zeros(3, 5))), "klDivergence", "[3, 5]");
        Variable teacher = Variable.constant(Tensor.zeros(3, 4));
        assertRejects(() -> Losses.distillation(logits, teacher, null, 2, 0.5), "distillation", "targets are null", "0.5");
        assertRejects(() -> Losses.distillation(logits, teacher, new int[3], 0, 0.5), "temperature", "0.0");
        assertRejects(() -> Losses.distillation(logits, teacher, new int[3], 2, 1.2), "alpha", "1.2");
        assertRejects(() -> Losses.distillation(logits, Variable.constant(Tensor.zeros(2, 4)), new int[3], 2, 0.5),
                "teacherLogits", "[2, 4]");
        assertRejects(() -> Penalties.l2(List.of(), 0.1), "l2", "empty");
        assertRejects(() -> Penalties.l1(List.of(logits), -1), "l1", "lambda", "-1.0");
    }
}
