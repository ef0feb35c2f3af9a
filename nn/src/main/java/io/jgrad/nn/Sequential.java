package io.jgrad.nn;

import io.jgrad.autograd.Functional;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.EarlyRelease;
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
     * {@link ReLU}, a {@link BatchNorm2d} directly followed by a {@link ReLU} and a {@link MaxPool2d},
     * and a {@link ReLU} directly followed by a {@link MaxPool2d} (those exact classes) run as one
     * fused op ({@link io.jgrad.autograd.Functional#linearRelu},
     * {@link io.jgrad.autograd.Functional#batchNormRelu},
     * {@link io.jgrad.autograd.Functional#batchNorm2dReluMaxPool2d},
     * {@link io.jgrad.autograd.Functional#reluMaxPool2d}):
     * the same values and gradients, one array fewer (and one or two passes fewer), since the
     * array between them is never visible outside this method. A result passed between two
     * built-in layers (Linear, BatchNorm1d, ReLU, Conv2d, BatchNorm2d, MaxPool2d, also through a
     * Flatten or Unflatten between them) goes back to the memory cache as soon as backward has
     * consumed it ({@link Functional#intermediate}), not after a garbage collection; with no graph
     * recorded ({@link Variable#noGrad}), as soon as the layers reading it have run. A child's {@link IllegalArgumentException} (a wrong
     * input shape) is rethrown naming the child's index and type, e.g. {@code Sequential: child 1
     * (Linear) failed: Linear(784, 10).forward: expected input [..., 784], got [8, 1024]}.
     */
    @Override
    public Variable forward(Variable x) {
        Variable h = x;
        EarlyRelease.Handle unread = null;         // a result made with no graph recorded, freed once its readers have run
        int unreadUntil = -1;
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            try {
                int span = fusedSpan(i);
                int consumer = i + span;
                UnaryOperator<Variable> group = group(i, span);
                // a result between two built-in layers is reachable only through the graph: the engine
                // returns its memory once backward has consumed it (no collection needed for it)
                int readersEnd = readersEnd(consumer);
                boolean between = readersEnd > 0 && keepNoActivations(i, readersEnd);
                EarlyRelease.Handle made = null;
                Variable out;
                if (between && !Variable.isGradEnabled()) {
                    // no graph (inference, a teacher's forward): only the next layers read it, so it goes
                    // back to the cache as soon as they have run
                    Variable in = h;
                    EarlyRelease.Captured<Variable> r = EarlyRelease.captured(() -> group.apply(in), v -> v.value().array());
                    out = r.value();
                    made = r.handle();
                } else {
                    out = between ? Functional.intermediate(group, h) : group.apply(h);
                }
                if (unread != null && consumer >= unreadUntil) {
                    unread.release();
                    unread = null;
                }
                if (made != null) {
                    unread = made;
                    unreadUntil = readersEnd;
                }
                h = out;
                i = consumer - 1;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Sequential: child " + i + " (" + m.getClass().getSimpleName() + ") failed: "
                        + e.getMessage(), e);
            }
        }
        return h;
    }

    /** How many modules from {@code i} on run as one fused op (1 when none is fused with the next). */
    private int fusedSpan(int i) {
        Class<?> c = layers.get(i).getClass();
        if (i + 1 < layers.size() && layers.get(i + 1).getClass() == ReLU.class) {
            if (c == Linear.class || c == BatchNorm1d.class) {
                return 2;
            }
            if (c == BatchNorm2d.class && i + 2 < layers.size() && layers.get(i + 2).getClass() == MaxPool2d.class) {
                return 3;
            }
        }
        return c == ReLU.class && i + 1 < layers.size() && layers.get(i + 1).getClass() == MaxPool2d.class ? 2 : 1;
    }

    /** The forward of the {@code span} modules from {@code i} on, fused as {@link #fusedSpan} says. */
    private UnaryOperator<Variable> group(int i, int span) {
        Module m = layers.get(i);
        if (span == 3) {
            return in -> ((BatchNorm2d) m).forwardReluMaxPool(in, (MaxPool2d) layers.get(i + 2));
        }
        if (span == 2 && m.getClass() == ReLU.class) {
            return in -> ((MaxPool2d) layers.get(i + 1)).forwardAfterRelu(in);
        }
        if (span == 2) {
            return in -> m instanceof Linear l ? l.forwardRelu(in) : ((BatchNorm1d) m).forwardRelu(in);
        }
        return m::forward;
    }

    /**
     * Built-in layers (these exact classes, not subclasses) whose forward keeps no reference to its
     * input or result beyond the graph and returns a fresh array, never its input nor a view of it.
     */
    private static final java.util.Set<Class<?>> FRESH = java.util.Set.of(Linear.class, BatchNorm1d.class, ReLU.class,
            Conv2d.class, BatchNorm2d.class, MaxPool2d.class);
    /** Built-in layers that keep no reference either, but return a view of their input (a reshape). */
    private static final java.util.Set<Class<?>> VIEWS = java.util.Set.of(Flatten.class, Unflatten.class);

    /**
     * The end of the modules that read a result passed on at {@code consumer}: through reshaping
     * layers, whose results are views of it, to the end of the first group that makes a fresh array;
     * -1 when there is none (no consumer, or the views reach the model's output, which the user holds).
     */
    private int readersEnd(int consumer) {
        int k = consumer;
        while (k < layers.size() && VIEWS.contains(layers.get(k).getClass())) {
            k++;
        }
        return k < layers.size() ? k + fusedSpan(k) : -1;
    }

    /** Whether modules {@code [from, to)} are all {@link #FRESH} or {@link #VIEWS} layers. */
    private boolean keepNoActivations(int from, int to) {
        for (int k = from; k < to; k++) {
            Class<?> c = layers.get(k).getClass();
            if (!FRESH.contains(c) && !VIEWS.contains(c)) {
                return false;
            }
        }
        return true;
    }
}
