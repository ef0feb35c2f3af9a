package io.jgrad.optim;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The golden 4→5→tanh→3 MLP with cross-entropy, written with autograd ops. */
final class Mlp {
    final Variable w1;
    final Variable b1;
    final Variable w2;
    final Variable b2;
    private final Variable x;
    private final Variable oneHot;
    private final int n;

    Mlp() {
        JsonNode g = Golden.ROOT;
        JsonNode init = g.get("init");
        w1 = Variable.of(Tensor.of(Golden.floats(init.get("w1")), 5, 4), true);
        b1 = Variable.of(Tensor.of(Golden.floats(init.get("b1")), 5), true);
        w2 = Variable.of(Tensor.of(Golden.floats(init.get("w2")), 3, 5), true);
        b2 = Variable.of(Tensor.of(Golden.floats(init.get("b2")), 3), true);
        n = g.get("y").size();
        x = Variable.constant(Tensor.of(Golden.floats(g.get("x")), n, 4));
        float[] hot = new float[n * 3];
        for (int i = 0; i < n; i++) {
            hot[i * 3 + g.get("y").get(i).asInt()] = 1;
        }
        oneHot = Variable.constant(Tensor.of(hot, n, 3));
    }

    List<Variable> params() {
        return List.of(w1, b1, w2, b2);
    }

    /** Mean cross-entropy of the batch. */
    Variable loss() {
        Variable h = x.matmul(w1.transpose()).add(b1).tanh();
        Variable z = h.matmul(w2.transpose()).add(b2);
        return z.logSoftmax(1).mul(oneHot).sum().mul(-1.0 / n);
    }

    /** One training step: zero grads, forward, backward; returns the loss. */
    double backward(Optimizer opt) {
        opt.zeroGrad();
        Variable loss = loss();
        loss.backward();
        return loss.value().getDouble(0);
    }

    Map<String, Tensor> weights() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w1", w1.value().copy());
        m.put("b1", b1.value().copy());
        m.put("w2", w2.value().copy());
        m.put("b2", b2.value().copy());
        return m;
    }

    void load(Map<String, Tensor> weights) {
        w1.value().array().assign(weights.get("w1").array());
        b1.value().array().assign(weights.get("b1").array());
        w2.value().array().assign(weights.get("w2").array());
        b2.value().array().assign(weights.get("b2").array());
    }
}
