package io.jgrad.optim;

import io.jgrad.autograd.Variable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One parameter group of an optimizer, like an entry of PyTorch's {@code optimizer.param_groups}:
 * the parameters and their own hyper-parameters ({@code lr}, {@code weight_decay}, ...).
 *
 * <p>Options are kept by PyTorch's argument names (snake_case, the names of the state dict) as
 * doubles; flags are 0 or 1. Schedulers change {@code lr} through {@link #setLr(double)}.
 */
public final class ParamGroup {
    private final List<Variable> params;
    private final Map<String, Double> options;
    // the builder's checks, so options loaded from a state dict meet the same rules as built ones
    private Consumer<Map<String, Double>> validator = o -> { };

    ParamGroup(List<Variable> params, Map<String, Double> options) {
        this.params = List.copyOf(params);
        this.options = new LinkedHashMap<>(options);
    }

    void setValidator(Consumer<Map<String, Double>> validator) {
        this.validator = validator;
    }

    /** Checks {@code candidate} options with the rules of the builder; an {@link IllegalArgumentException} if they break one. */
    void validate(Map<String, Double> candidate) {
        validator.accept(candidate);
    }

    /** The parameters of this group, in the order they were given. */
    public List<Variable> params() {
        return params;
    }

    /** The group's options by PyTorch name (read-only view). */
    public Map<String, Double> options() {
        return Collections.unmodifiableMap(options);
    }

    /** The option named {@code name}; an {@link IllegalArgumentException} when the group has none. */
    public double get(String name) {
        Double v = options.get(name);
        if (v == null) {
            throw new IllegalArgumentException("ParamGroup.get: no option '" + name + "', the group has " + options.keySet());
        }
        return v;
    }

    /** A boolean option (stored as 0 or 1). */
    public boolean flag(String name) {
        return get(name) != 0;
    }

    /** The learning rate. */
    public double lr() {
        return get("lr");
    }

    /** Sets the learning rate; it must be finite and non-negative. */
    public void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("setLr: lr must be a finite number >= 0, got " + lr);
        }
        options.put("lr", lr);
    }

    /** The lr a scheduler first saw ({@code initial_lr}), or NaN before any scheduler was attached. */
    public double initialLr() {
        return options.getOrDefault("initial_lr", Double.NaN);
    }

    void setInitialLr(double lr) {
        options.put("initial_lr", lr);
    }

    /** Replaces an option loaded from a state dict; unknown names are rejected by the caller. */
    void put(String name, double value) {
        options.put(name, value);
    }
}
