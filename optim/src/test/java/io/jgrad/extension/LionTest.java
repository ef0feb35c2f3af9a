package io.jgrad.extension;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.autograd.Variable;
import io.jgrad.optim.BaseOptimizer;
import io.jgrad.optim.OptimizerBuilder;
import io.jgrad.optim.ParamGroup;
import io.jgrad.optim.ParamState;
import io.jgrad.optim.StepLR;
import io.jgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An optimizer written outside {@code io.jgrad.optim}, as a user writes one (issue 21, item 3):
 * Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), with its momentum in
 * the optimizer's state dict. Checked against the update rule computed here in float64, for a
 * state dict that restores a run exactly, and for option validation that reads like the built-in
 * optimizers'.
 */
class LionTest {
    /** c = β1·m + (1−β1)·g;  p ← p·(1 − lr·λ) − lr·sign(c);  m ← β2·m + (1−β2)·g. */
    static final class Lion extends BaseOptimizer {
        private Lion(List<ParamGroup> groups) {
            super("Lion", groups);
        }

        static Builder builder(Iterable<? extends Variable> params) {
            return new Builder(params);
        }

        @Override
        protected Set<String> stateBuffers() {
            return Set.of("exp_avg");
        }

        @Override
        protected boolean countsSteps() {
            return false;
        }

        @Override
        protected void update(ParamGroup group, INDArray param, INDArray grad, ParamState state) {
            double lr = group.lr();
            double beta1 = group.get("beta1");
            double beta2 = group.get("beta2");
            INDArray m = state.zeros("exp_avg", param);
            INDArray c = state.scratch(0, param).assign(m).muli(beta1).addi(grad.mul(1 - beta1));
            param.muli(1 - lr * group.get("weight_decay")).subi(Transforms.sign(c, false).muli(lr));
            m.muli(beta2).addi(grad.mul(1 - beta2));
        }

        /** Lion's options: lr 1e-4, betas (0.9, 0.99), weight_decay 0. */
        static final class Builder extends OptimizerBuilder<Builder, Lion> {
            Builder(Iterable<? extends Variable> params) {
                super("Lion", params, 1e-4);
                betas(0.9, 0.99).weightDecay(0);
            }

            Builder betas(double beta1, double beta2) {
                set("beta1", beta1);
                return set("beta2", beta2);
            }

            Builder weightDecay(double weightDecay) {
                return set("weight_decay", weightDecay);
            }

            @Override
            protected Builder self() {
                return this;
            }

            @Override
            protected Builder fresh() {
                return new Builder(List.of());
            }

            @Override
            protected void validate(Check c) {
                c.lr().nonNegative("weight_decay", "weightDecay").unitInterval("beta1", "betas[0]").unitInterval("beta2", "betas[1]");
            }

            @Override
            protected Lion create(List<ParamGroup> groups) {
                return new Lion(groups);
            }
        }
    }

    private static final float[] X = {0.5f, -1.5f, 2f, 0.25f, -0.75f, 1f};
    private static final float[] Y = {1f, 0.5f, -2f, 3f, 0.1f, -1f};

    private static List<Variable> params() {
        return List.of(Variable.of(Tensor.of(new float[] {0.3f, -0.2f, 0.9f, -1.1f, 0.05f, 0.7f}, 2, 3), true),
                Variable.of(Tensor.of(new float[] {0.1f, -0.4f, 0.2f}, 3), true));
    }

    /** loss = Σ (w ⊙ x + b − y)², so every element has its own gradient. */
    private static void backward(List<Variable> p) {
        Variable x = Variable.constant(Tensor.of(X, 2, 3));
        Variable y = Variable.constant(Tensor.of(Y, 2, 3));
        p.get(0).mul(x).add(p.get(1)).sub(y).pow(2).sum().backward();
    }

    private static void train(Lion opt, List<Variable> p, int steps) {
        for (int s = 0; s < steps; s++) {
            opt.zeroGrad();
            backward(p);
            opt.step();
        }
    }

    @Test
    void followsTheLionRuleComputedInFloat64() {
        List<Variable> p = params();
        double lr = 0.01;
        double wd = 0.1;
        Lion opt = Lion.builder(p).lr(lr).weightDecay(wd).build();
        List<double[]> ref = new ArrayList<>();
        List<double[]> mom = new ArrayList<>();
        for (Variable v : p) {
            float[] f = v.value().toFloatArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            ref.add(d);
            mom.add(new double[f.length]);
        }
        for (int step = 0; step < 4; step++) {
            opt.zeroGrad();
            backward(p);
            for (int k = 0; k < p.size(); k++) {
                float[] g = p.get(k).grad().toFloatArray();
                double[] w = ref.get(k);
                double[] m = mom.get(k);
                for (int i = 0; i < w.length; i++) {
                    double c = 0.9 * m[i] + 0.1 * g[i];
                    w[i] = w[i] * (1 - lr * wd) - lr * Math.signum(c);
                    m[i] = 0.99 * m[i] + 0.01 * g[i];
                }
            }
            opt.step();
            for (int k = 0; k < p.size(); k++) {
                float[] got = p.get(k).value().toFloatArray();
                for (int i = 0; i < got.length; i++) {
                    assertEquals(ref.get(k)[i], got[i], 1e-6, "step " + (step + 1) + ", parameter " + k + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void itsMomentumIsInTheStateDictAndRestoresARunExactly() {
        List<Variable> a = params();
        Lion optA = Lion.builder(a).lr(0.01).build();
        StepLR schedA = new StepLR(optA, 1, 0.5);
        train(optA, a, 2);
        schedA.step();
        Map<String, Tensor> state = optA.stateDict();
        assertEquals(List.of("state.0.exp_avg", "state.1.exp_avg", "param_groups.0.lr", "param_groups.0.beta1",
                "param_groups.0.beta2", "param_groups.0.weight_decay", "param_groups.0.initial_lr", "param_groups.0.params"),
                List.copyOf(state.keySet()));

        List<Variable> b = params();
        for (int k = 0; k < b.size(); k++) {
            b.get(k).value().array().assign(a.get(k).value().array());
        }
        Lion optB = Lion.builder(b).lr(0.01).build();
        optB.loadStateDict(state);
        assertEquals(0.005, optB.lr(), 1e-12, "the scheduled lr comes back with the state");
        train(optA, a, 3);
        train(optB, b, 3);
        for (int k = 0; k < a.size(); k++) {
            assertArrayEquals(a.get(k).value().toFloatArray(), b.get(k).value().toFloatArray(), 0f, "parameter " + k);
        }

        Map<String, Tensor> bogus = new LinkedHashMap<>(state);
        bogus.put("state.0.exp_avg_sq", Tensor.zeros(2, 3));
        assertEquals("Lion.loadStateDict: unexpected key 'state.0.exp_avg_sq' (Lion keeps [exp_avg] per parameter)",
                assertThrows(IllegalArgumentException.class, () -> optB.loadStateDict(bogus)).getMessage());
    }

    @Test
    void itsOptionsAreValidatedLikeTheBuiltInOnes() {
        assertEquals("Lion: betas[0] must be in [0, 1), got NaN",
                assertThrows(IllegalArgumentException.class, () -> Lion.builder(params()).betas(Double.NaN, 0.99).build()).getMessage());
        assertEquals("Lion: lr must be a finite number >= 0, got -0.1",
                assertThrows(IllegalArgumentException.class, () -> Lion.builder(params()).lr(-0.1).build()).getMessage());
    }
}
