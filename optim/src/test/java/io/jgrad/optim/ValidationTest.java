package io.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad hyper-parameters, parameter lists, gradients and state dicts are rejected with clear messages. */
class ValidationTest {
    private static String fails(Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }

    @Test
    void hyperParametersAreCheckedAtBuild() {
        Mlp m = new Mlp();
        List<Variable> p = m.params();
        assertEquals("SGD: lr is required; call .lr(...) before build()",
                assertThrows(IllegalStateException.class, () -> SGD.builder(p).build()).getMessage());
        // an lr(NaN) the caller passed is a bad value, not a missing one (issue 21)
        assertEquals("SGD: lr must be a finite number >= 0, got NaN", fails(() -> SGD.builder(p).lr(Double.NaN).build()));
        assertEquals("GD: lr must be a finite number >= 0, got NaN", fails(() -> GD.builder(p).lr(Double.NaN).build()));
        assertEquals("SGD: lr must be a finite number >= 0, got -0.1", fails(() -> SGD.builder(p).lr(-0.1).build()));
        assertEquals("SGD: momentum must be > 0 for nesterov, got 0.0",
                fails(() -> SGD.builder(p).lr(0.1).nesterov(true).build()));
        assertEquals("SGD: dampening must be 0 for nesterov, got 0.1",
                fails(() -> SGD.builder(p).lr(0.1).momentum(0.9).dampening(0.1).nesterov(true).build()));
        assertEquals("Adam: betas[0] must be in [0, 1), got 1.0", fails(() -> Adam.builder(p).betas(1.0, 0.9).build()));
        assertEquals("AdamW: betas[1] must be in [0, 1), got -0.5", fails(() -> AdamW.builder(p).betas(0.9, -0.5).build()));
        assertEquals("Adam: eps must be a finite number >= 0, got -1.0E-8", fails(() -> Adam.builder(p).eps(-1e-8).build()));
        assertEquals("Adagrad: lrDecay must be a finite number >= 0, got -1.0", fails(() -> Adagrad.builder(p).lrDecay(-1).build()));
        assertEquals("RMSprop: alpha must be a finite number >= 0, got -0.9", fails(() -> RMSprop.builder(p).alpha(-0.9).build()));
        assertEquals("Adam: lr must be a finite number >= 0, got NaN (param group 1)",
                fails(() -> Adam.builder(List.of(m.w1)).addGroup(List.of(m.w2), g -> g.lr(Double.NaN)).build()));
    }

    @Test
    void parameterListsAreChecked() {
        Mlp m = new Mlp();
        assertTrue(fails(() -> Adam.builder(List.of()).build()).contains("param group 0 is empty"));
        assertTrue(fails(() -> Adam.builder(List.of(m.w1, m.w1)).build()).contains("appears twice"));
        assertTrue(fails(() -> Adam.builder(List.of(m.w1)).addGroup(List.of(m.w1), g -> { }).build()).contains("param groups 0 and 1"));
    }

    @Test
    void aFailedStepChangesNothing() {
        Mlp m = new Mlp();
        Optimizer opt = Adam.builder(List.of(m.w1, m.b1, wrongShaped())).build();
        m.backward(opt);
        Map<String, Tensor> before = m.weights();
        String msg = fails(opt::step);
        assertTrue(msg.contains("Adam.step: parameter 2 has value FLOAT32[2, 3] but gradient FLOAT32[3, 2]"), msg);
        for (Map.Entry<String, Tensor> w : m.weights().entrySet()) {
            assertArrayEquals(before.get(w.getKey()).toFloatArray(), w.getValue().toFloatArray(), w.getKey());
        }
        assertTrue(opt.stateDict().keySet().stream().noneMatch(k -> k.startsWith("state.")), "no state was created");
    }

    /** A parameter [2, 3] whose gradient buffer was given the shape [3, 2] (a broken backward). */
    private static Variable wrongShaped() {
        Variable p = Variable.of(Tensor.zeros(2, 3), true);
        p.sum().backward();
        Variable q = Variable.of(Tensor.zeros(3, 2), true);
        q.sum().backward();
        return new Variable2(p.value(), q.grad());
    }

    /** A leaf whose grad() reports a given tensor. */
    private static final class Variable2 extends Variable {
        private final Tensor grad;

        Variable2(Tensor value, Tensor grad) {
            super(value, true);
            this.grad = grad;
        }

        @Override
        public Tensor grad() {
            return grad;
        }
    }

    @Test
    void loadStateDictIsStrictAndAllOrNothing() {
        Mlp m = new Mlp();
        Optimizer opt = Adam.builder(m.params()).build();
        m.backward(opt);
        opt.step();
        Map<String, Tensor> good = opt.stateDict();
        Map<String, Tensor> extra = new java.util.LinkedHashMap<>(good);
        extra.put("state.0.bogus", Tensor.zeros(7));
        assertTrue(fails(() -> opt.loadStateDict(extra)).contains("state.0.bogus"));
        Map<String, Tensor> unknownBuffer = new java.util.LinkedHashMap<>(good);
        unknownBuffer.put("state.0.bogus", Tensor.zeros(m.params().get(0).shape()));
        assertEquals("Adam.loadStateDict: unexpected key 'state.0.bogus' (Adam keeps [exp_avg, exp_avg_sq, max_exp_avg_sq]"
                + " and step per parameter)", fails(() -> opt.loadStateDict(unknownBuffer)));
        Map<String, Tensor> missing = new java.util.LinkedHashMap<>(good);
        missing.remove("param_groups.0.eps");
        assertEquals("Adam.loadStateDict: missing key 'param_groups.0.eps'", fails(() -> opt.loadStateDict(missing)));
        assertEquals(good.keySet(), opt.stateDict().keySet());
        StepLR s = new StepLR(opt, 2, 0.5);
        assertTrue(fails(() -> s.loadStateDict(Map.of())).contains("missing key"));
    }

    @Test
    void schedulerArguments() {
        Optimizer opt = SGD.builder(new Mlp().params()).lr(0.1).build();
        assertEquals("StepLR: stepSize must be > 0, got 0", fails(() -> new StepLR(opt, 0, 0.5)));
        assertEquals("LinearLR: startFactor must be in (0, 1], got 0.0", fails(() -> new LinearLR(opt, 0, 1, 5)));
        assertEquals("ReduceLROnPlateau: factor must be in [0, 1), got 1.0",
                fails(() -> ReduceLROnPlateau.builder(opt).factor(1).build()));
        assertEquals(0.1, opt.lr());
        assertTrue(Double.isNaN(opt.initialLr(0)), "a rejected scheduler records nothing");
    }
}
