package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.StateDictReader;
import io.jgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of every layer and model, like PyTorch's {@code nn.Module}: it owns parameters,
 * buffers (state that is saved but not trained, such as running statistics) and child modules,
 * and walks them recursively in registration order, naming them the way PyTorch does
 * ({@code 0.weight}, {@code 1.running_mean}), so state dicts travel between the two.
 */
public abstract class Module {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Computes this module's output. */
    public abstract Variable forward(Variable x);

    /** Registers a parameter under {@code name}; returns it for field assignment. */
    protected <P extends Parameter> P registerParameter(String name, P p) {
        checkName(name);
        params.put(name, p);
        return p;
    }

    /** Registers a buffer under {@code name}; update it in place or with {@link #setBuffer}. */
    protected Tensor registerBuffer(String name, Tensor t) {
        checkName(name);
        buffers.put(name, t);
        return t;
    }

    /** Replaces a registered buffer's tensor. */
    protected void setBuffer(String name, Tensor t) {
        if (!buffers.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no buffer named '" + name + "'");
        }
        buffers.put(name, t);
    }

    /** The buffer registered under {@code name}. */
    protected Tensor buffer(String name) {
        return buffers.get(name);
    }

    /** Registers a child module under {@code name}; returns it for field assignment. */
    protected <M extends Module> M registerModule(String name, M m) {
        checkName(name);
        children.put(name, m);
        return m;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid name '" + name + "'");
        }
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' is already used");
        }
    }

    /** The direct children, in registration order. */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Every parameter of this module and its descendants, in a stable order. */
    public List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every parameter keyed by its dotted path, e.g. {@code 0.weight}. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectParameters("", out);
        return out;
    }

    private void collectParameters(String prefix, Map<String, Parameter> out) {
        params.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, m) -> m.collectParameters(prefix + k + ".", out));
    }

    /** Every buffer keyed by its dotted path, e.g. {@code 1.running_mean}. */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectBuffers("", out);
        return out;
    }

    private void collectBuffers(String prefix, Map<String, Tensor> out) {
        buffers.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, m) -> m.collectBuffers(prefix + k + ".", out));
    }

    /** The total number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.value().size();
        }
        return n;
    }

    /**
     * A table of the model for a batch of the given input shape (batch first, e.g.
     * {@code summary(1, 784)}), like torchinfo's or Keras' {@code summary()}: one row per module
     * in registration order (its dotted path, type, output shape and the parameters it holds
     * itself), then the total, trainable and non-trainable parameter counts. The shapes come from
     * one forward of zeros in eval mode under {@code noGrad}; the training mode is restored.
     * Layers inside a composite other than {@link Sequential} show {@code --} as their shape.
     *
     * @throws IllegalArgumentException when the shape is empty or has a dimension below 1, or the
     *     model cannot take such an input (naming the layer that failed)
     */
    public String summary(long... inputShape) {
        return ModuleSummary.of(this, inputShape);
    }

    /** Switches this module and every descendant to training mode. */
    public Module train() {
        return train(true);
    }

    /** Switches this module and every descendant to training ({@code true}) or evaluation mode. */
    public Module train(boolean mode) {
        training = mode;
        for (Module m : children.values()) {
            m.train(mode);
        }
        return this;
    }

    /** Switches this module and every descendant to evaluation mode. */
    public Module eval() {
        return train(false);
    }

    /** Whether this module is in training mode. */
    public boolean isTraining() {
        return training;
    }

    /** Clears the gradients of every parameter (reusing their buffers). */
    public void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }

    /**
     * A snapshot of every parameter and buffer keyed as in PyTorch (per module: its parameters,
     * then its buffers, then its children). The tensors are copies, so the snapshot does not
     * change as training goes on.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out);
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out) {
        params.forEach((k, v) -> out.put(prefix + k, v.value().copy()));
        buffers.forEach((k, v) -> out.put(prefix + k, v.copy()));
        children.forEach((k, m) -> m.collectState(prefix + k + ".", out));
    }

    /**
     * Copies every tensor of {@code state} into this module's parameters and buffers. Strict and
     * all-or-nothing ({@link StateDictReader}): a missing, extra, null or mis-shaped key is an
     * {@link IllegalArgumentException} naming it, and then nothing has been changed. A
     * one-element tensor loads into any one-element target (PyTorch's counts are 0-d).
     */
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> targets = new LinkedHashMap<>();
        namedParameters().forEach((k, p) -> targets.put(k, p.value()));
        targets.putAll(namedBuffers());
        StateDictReader.load(getClass().getSimpleName(), state, in -> {
            in.expectKeys(targets.keySet());
            List<Runnable> copies = new ArrayList<>();
            targets.forEach((key, dst) -> {
                Tensor src = in.tensor(key);
                boolean oneElement = dst.size() == 1 && src.size() == 1;
                if (!Arrays.equals(dst.shape(), src.shape()) && !oneElement) {
                    throw in.invalid(key, "has shape " + Shapes.str(src.shape()) + ", expected " + Shapes.str(dst.shape()));
                }
                copies.add(() -> dst.array().assign(src.to(dst.dtype()).array().reshape(dst.shape())));
            });
            return () -> copies.forEach(Runnable::run);
        });
    }

    /** Extra text for {@link #toString()}, like PyTorch's {@code extra_repr}. */
    protected String extraRepr() {
        return "";
    }

    /**
     * The architecture in PyTorch's repr format: {@code Name(extra)} for a leaf module, else
     * the extra lines and {@code (name): child} lines, each indented by two spaces.
     */
    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        String extra = extraRepr();
        if (!extra.isEmpty()) {
            lines.addAll(Arrays.asList(extra.split("\n", -1)));
        }
        children.forEach((k, m) -> lines.add("(" + k + "): " + m.toString().replace("\n", "\n  ")));
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(');
        if (lines.size() == 1 && children.isEmpty()) {
            sb.append(lines.get(0));
        } else if (!lines.isEmpty()) {
            sb.append("\n  ").append(String.join("\n  ", lines)).append('\n');
        }
        return sb.append(')').toString();
    }
}
