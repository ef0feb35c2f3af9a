package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import java.util.ArrayList;
import java.util.List;

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
     * {@link ReLU}, a {@link BatchNorm2d} directly followed by a {@link ReLU} and a {@link MaxPool2d},
     * and a {@link ReLU} directly followed by a {@link MaxPool2d} (those exact classes) run as one
     * fused op ({@link io.jgrad.autograd.Functional#linearRelu},
     * {@link io.jgrad.autograd.Functional#batchNormRelu},
     * {@link io.jgrad.autograd.Functional#batchNorm2dReluMaxPool2d},
     * {@link io.jgrad.autograd.Functional#reluMaxPool2d}):
     * the same values and gradients, one array fewer (and one or two passes fewer), since the
     * array between them is never visible outside this method. A child's {@link IllegalArgumentException} (a wrong
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
                if (reluNext && m.getClass() == Linear.class) {
                    h = ((Linear) m).forwardRelu(h);
                    i++;
                } else if (reluNext && m.getClass() == BatchNorm1d.class) {
                    h = ((BatchNorm1d) m).forwardRelu(h);
                    i++;
                } else if (reluNext && m.getClass() == BatchNorm2d.class && i + 2 < layers.size()
                        && layers.get(i + 2).getClass() == MaxPool2d.class) {
                    h = ((BatchNorm2d) m).forwardReluMaxPool(h, (MaxPool2d) layers.get(i + 2));
                    i += 2;
                } else if (m.getClass() == ReLU.class && i + 1 < layers.size()
                        && layers.get(i + 1).getClass() == MaxPool2d.class) {
                    h = ((MaxPool2d) layers.get(i + 1)).forwardAfterRelu(h);
                    i++;
                } else {
                    h = m.forward(h);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Sequential: child " + i + " (" + m.getClass().getSimpleName() + ") failed: "
                        + e.getMessage(), e);
            }
        }
        return h;
    }
}
