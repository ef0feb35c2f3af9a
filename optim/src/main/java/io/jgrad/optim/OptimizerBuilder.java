package io.jgrad.optim;

import io.jgrad.autograd.Variable;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The shared part of every optimizer's builder: the parameter groups and the options table.
 *
 * <p>Setters of the subclasses store options by PyTorch's names; {@link #build()} turns the
 * first parameter list and every {@link #addGroup added group} into {@link ParamGroup}s and
 * validates each one. An added group starts from the builder's final options (wherever its
 * setters were called) and then applies its own overrides, as PyTorch fills a group's missing
 * options from the constructor's defaults:
 * <pre>{@code
 * SGD.builder(body).lr(0.1).momentum(0.9)
 *    .addGroup(head, g -> g.lr(0.01))
 *    .build();
 * }</pre>
 *
 * @param <B> the concrete builder (self type, for fluent setters)
 * @param <O> the optimizer it builds
 */
public abstract class OptimizerBuilder<B extends OptimizerBuilder<B, O>, O extends Optimizer> {
    private final String optimizer;
    private final List<Variable> params;
    private final Map<String, Double> options = new LinkedHashMap<>();
    private final List<Object[]> extraGroups = new ArrayList<>();

    /**
     * A builder of the optimizer named {@code optimizer} (the prefix of its messages) over
     * {@code params}, with the lr {@code defaultLr}; {@code Double.NaN} makes the lr required
     * (PyTorch's {@code required}), so {@link #build()} fails until {@link #lr} is called.
     */
    protected OptimizerBuilder(String optimizer, Iterable<? extends Variable> params, double defaultLr) {
        this.optimizer = optimizer;
        this.params = toList(optimizer, params);
        // null marks "never set": a required lr, told apart from an lr(NaN) the caller passed
        options.put("lr", Double.isNaN(defaultLr) ? null : defaultLr);
    }

    /** The learning rate. */
    public B lr(double lr) {
        return set("lr", lr);
    }

    /**
     * Adds a parameter group with its own options: {@code overrides} receives a builder holding
     * this builder's options and may change any of them (e.g. {@code g -> g.lr(0.01)}).
     */
    public B addGroup(Iterable<? extends Variable> groupParams, Consumer<? super B> overrides) {
        if (overrides == null) {
            throw new IllegalArgumentException(optimizer + ".addGroup: overrides is null (pass g -> {} for none)");
        }
        extraGroups.add(new Object[] {toList(optimizer, groupParams), overrides});
        return self();
    }

    /**
     * Builds the optimizer from a snapshot of this builder: its groups copy the parameter lists
     * and options, so calling setters afterwards changes no built optimizer. Invalid options or
     * parameter lists are an {@link IllegalArgumentException}; a required option never set (SGD's
     * and GD's lr) an {@link IllegalStateException}.
     */
    @SuppressWarnings("unchecked")
    public O build() {
        List<ParamGroup> groups = new ArrayList<>();
        groups.add(new ParamGroup(params, options));
        for (Object[] extra : extraGroups) {
            OptimizerBuilder<B, O> group = fresh();
            group.options.putAll(options);
            ((Consumer<? super B>) extra[1]).accept(group.self());
            groups.add(new ParamGroup((List<Variable>) extra[0], group.options));
        }
        checkParams(groups);
        // the groups keep a fresh builder's rules for loaded options, never a reference to this builder
        OptimizerBuilder<B, O> rules = fresh();
        for (int i = 0; i < groups.size(); i++) {
            int g = i;
            validate(new Check(optimizer, g, groups.get(g).options()));
            groups.get(g).setValidator(options -> rules.validate(new Check(optimizer, g, options)));
        }
        return create(groups);
    }

    /** Stores an option under its PyTorch name. */
    protected final B set(String name, double value) {
        options.put(name, value);
        return self();
    }

    /** Stores a flag as 1 or 0. */
    protected final B set(String name, boolean flag) {
        return set(name, flag ? 1.0 : 0.0);
    }

    /** {@code this}, typed as the concrete builder. */
    protected abstract B self();

    /** A new builder of the same optimizer with its default options and no parameters. */
    protected abstract B fresh();

    /** Rejects invalid options of one group. */
    protected abstract void validate(Check check);

    /** The optimizer over validated groups. */
    protected abstract O create(List<ParamGroup> groups);

    private void checkParams(List<ParamGroup> groups) {
        Map<Variable, Integer> seen = new IdentityHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            List<Variable> ps = groups.get(g).params();
            if (ps.isEmpty()) {
                throw new IllegalArgumentException(optimizer + ": param group " + g + " is empty; an optimizer needs at least one parameter");
            }
            for (Variable p : ps) {
                if (!p.isLeaf()) {
                    throw new IllegalArgumentException(optimizer + ": can't optimize a non-leaf Variable " + p + " in param group " + g);
                }
                Integer before = seen.put(p, g);
                if (before != null) {
                    throw new IllegalArgumentException(optimizer + ": parameter " + p + " appears twice (param groups "
                            + before + " and " + g + "); give each parameter once");
                }
            }
        }
    }

    private static List<Variable> toList(String optimizer, Iterable<? extends Variable> params) {
        if (params == null) {
            throw new IllegalArgumentException(optimizer + ": params is null");
        }
        List<Variable> list = new ArrayList<>();
        for (Variable p : params) {
            if (p == null) {
                throw new IllegalArgumentException(optimizer + ": params contains null");
            }
            list.add(p);
        }
        return list;
    }

    /** Validation of one group's options with messages naming the argument and its value. */
    protected static final class Check {
        private final String optimizer;
        private final int group;
        private final Map<String, Double> options;

        Check(String optimizer, int group, Map<String, Double> options) {
            this.optimizer = optimizer;
            this.group = group;
            this.options = options;
        }

        /** The option's value; an {@link IllegalStateException} for a required option never set. */
        public double get(String name) {
            Double v = options.get(name);
            if (v == null) {
                throw new IllegalStateException(optimizer + ": " + name + " is required" + (group > 0 ? " in param group " + group : "")
                        + "; call ." + name + "(...) before build()");
            }
            return v;
        }

        /**
         * Requires an lr: set (PyTorch's {@code required}; an {@link IllegalStateException} if
         * never set), finite and {@code >= 0}.
         */
        public Check lr() {
            return nonNegative("lr", "lr");
        }

        /** Requires a finite value {@code >= 0}. */
        public Check nonNegative(String name, String argument) {
            double v = get(name);
            return require(v >= 0 && !Double.isInfinite(v), argument, v, "a finite number >= 0");
        }

        /** Requires {@code 0 <= value < 1}. */
        public Check unitInterval(String name, String argument) {
            double v = get(name);
            return require(v >= 0 && v < 1, argument, v, "in [0, 1)");
        }

        /** Requires a finite value (any sign). */
        public Check finite(String name, String argument) {
            double v = get(name);
            return require(Double.isFinite(v), argument, v, "a finite number");
        }

        /**
         * Requires {@code condition}; otherwise an {@link IllegalArgumentException} such as
         * {@code SGD: lr must be a finite number >= 0, got NaN} (with {@code (param group g)}
         * appended for an added group).
         */
        public Check require(boolean condition, String argument, double value, String needs) {
            if (!condition) {
                throw new IllegalArgumentException(optimizer + ": " + argument + " must be " + needs + ", got " + value
                        + (group > 0 ? " (param group " + group + ")" : ""));
            }
            return this;
        }
    }
}
