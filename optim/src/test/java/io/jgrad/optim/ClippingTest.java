package io.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** Gradient clipping against torch.nn.utils.clip_grad_norm_ / clip_grad_value_. */
class ClippingTest {
    private static final JsonNode C = Golden.ROOT.get("clipping");

    /** Parameters whose gradients are the golden ones, plus one without a gradient. */
    private static List<Variable> params() {
        List<Variable> ps = new ArrayList<>();
        for (int i = 0; i < C.get("grads").size(); i++) {
            long[] shape = new long[C.get("shapes").get(i).size()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = C.get("shapes").get(i).get(d).asLong();
            }
            Variable p = Variable.of(Tensor.zeros(shape), true);
            p.value().array().assign(Nd4j.create(Golden.floats(C.get("grads").get(i)), shape, 'c'));
            p.mul(p).sum().mul(0.5).backward(); // grad = value
            p.value().array().assign(0);
            ps.add(p);
        }
        ps.add(Variable.of(Tensor.ones(2), true));
        return ps;
    }

    private static void check(String name, ToDoubleFunction<List<Variable>> clip, boolean hasTotal) {
        List<Variable> ps = params();
        double total = clip.applyAsDouble(ps);
        JsonNode e = C.get(name);
        if (hasTotal) {
            Golden.assertClose(name + " total", new double[] {e.get("total").asDouble()}, new double[] {total}, 1e-6, 0);
        }
        for (int i = 0; i < e.get("grads").size(); i++) {
            Golden.assertClose(name + " grad " + i, Golden.doubles(e.get("grads").get(i)), ps.get(i).grad().toDoubleArray(), 1e-6, 1e-7);
        }
    }

    @Test
    void clipGradNormL2() {
        check("norm_l2", ps -> Clipping.clipGradNorm(ps, 1.0), true);
        check("norm_l2_large", ps -> Clipping.clipGradNorm(ps, 100.0), true);
    }

    @Test
    void clipGradNormInf() {
        check("norm_inf", ps -> Clipping.clipGradNorm(ps, 0.5, Double.POSITIVE_INFINITY), true);
    }

    @Test
    void clipGradValue() {
        check("value", ps -> {
            Clipping.clipGradValue(ps, 0.3);
            return 0;
        }, false);
    }

    @Test
    void invalidArguments() {
        List<Variable> ps = params();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Clipping.clipGradNorm(ps, -1));
        assertEquals("clipGradNorm: maxNorm must be a finite number >= 0, got -1.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Clipping.clipGradNorm(ps, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Clipping.clipGradValue(ps, Double.NaN));
    }
}
