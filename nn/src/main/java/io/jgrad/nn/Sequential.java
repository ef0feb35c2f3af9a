package io.jgrad.nn;

import io.jgrad.autograd.Functional;
import io.jgrad.autograd.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Modules applied one after another; children are named by their index ("0", "1", …), so
 * parameter keys read {@code 0.weight} as in PyTorch.
 *
 * <pre>{@code
 * Sequential model = new Sequential(new Linear(784, 256), new BatchNorm1d(256), new ReLU(), new Linear(256, 10));
 * Variable logits = model.forward(Variable.constant(Tensor.zeros(32, 784)));
 * model.stateDict().keySet();   // 0.weight, 0.bias, 1.weight, 1.bias, 1.running_mean, ..., 3.bias
 * }</pre>
 */
public class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** Appends a module, named by its index. */
    public Sequential add(Module m) {
        if (m == null) {
            throw new IllegalArgumentException("Sequential: module " + layers.size() + " is null");
        }
        registerModule(Integer.toString(layers.size()), m);
        layers.add(m);
        return this;
    }

    /** The module at {@code index}. */
    public Module get(int index) {
        return layers.get(index);
    }

    /** The number of modules. */
    public int size() {
        return layers.size();
    }

    /**
     * Each module in turn; a {@link Linear} or a {@link BatchNorm1d} directly followed by a
     * {@link ReLU} (those exact classes) runs as one fused op
     * ({@link io.jgrad.autograd.Functional#linearRelu}, {@link io.jgrad.autograd.Functional#batchNormRelu}):
     * the same values and gradients, one array fewer (and for Linear one pass fewer), since the
     * pre-activation between them is never visible outside this method. A result passed between two
     * such built-in layers (Linear, BatchNorm1d, ReLU) goes back to the memory cache as soon as
     * backward has consumed it ({@link Functional#intermediate}), not after a garbage collection. A child's {@link IllegalArgumentException} (a wrong
     * input shape) is rethrown naming the child's index and type, e.g. {@code Sequential: child 1
     * (Linear) failed: Linear(784, 10).forward: expected input [..., 784], got [8, 1024]}.
     */
    @Override
    public Variable forward(Variable x) {
        Variable h = x;
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            try {
                boolean reluNext = i + 1 < layers.size() && layers.get(i + 1).getClass() == ReLU.class;
                boolean fused = reluNext && (m.getClass() == Linear.class || m.getClass() == BatchNorm1d.class);
                int consumer = i + (fused ? 2 : 1);
                UnaryOperator<Variable> layer = fused ? in -> forwardRelu(m, in) : m::forward;
                // a result between two built-in layers is reachable only through the graph: the engine
                // returns its memory once backward has consumed it (no collection needed for it)
                h = consumer < layers.size() && keepsNoActivations(m) && keepsNoActivations(layers.get(consumer))
                        ? Functional.intermediate(layer, h) : layer.apply(h);
                i = consumer - 1;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Sequential: child " + i + " (" + m.getClass().getSimpleName() + ") failed: "
                        + e.getMessage(), e);
            }
        }
        return h;
    }

    private static Variable forwardRelu(Module m, Variable x) {
        return m instanceof Linear l ? l.forwardRelu(x) : ((BatchNorm1d) m).forwardRelu(x);
    }

    /**
     * Built-in layers (these exact classes, not subclasses) whose forward keeps no reference to its
     * input or result beyond the graph and returns a fresh array, never a view of its input.
     */
    private static boolean keepsNoActivations(Module m) {
        Class<?> c = m.getClass();
        return c == Linear.class || c == BatchNorm1d.class || c == ReLU.class;
    }
}
