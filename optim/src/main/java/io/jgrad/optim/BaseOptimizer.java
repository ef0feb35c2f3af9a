package io.jgrad.optim;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.StateDictReader;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.NdArrays;
import io.jgrad.tensor.backend.Ops;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What every optimizer shares, like {@code torch.optim.Optimizer}: parameter groups, lazily
 * created per-parameter state, {@link #zeroGrad()}, and the flattened state dict.
 *
 * <p>{@link #step()} first validates every gradient (shape, element type) and every lr, and
 * only then updates; so a failing step leaves all parameters and state untouched. Parameters
 * whose gradient is null are skipped, as in PyTorch. Subclasses write one {@link #update}.
 *
 * <p>Subclassing works from any package (see {@code docs/modules.md}, "A custom optimizer"): a
 * subclass names its per-parameter buffers in {@link #stateBuffers()}, keeps them in the
 * {@link ParamState} it is handed, and gets the state dict, its strict loading, parameter
 * groups and schedulers for free. Its builder extends {@link OptimizerBuilder}:
 * <pre>{@code
 * public final class Lion extends BaseOptimizer {
 *     private Lion(List<ParamGroup> groups) { super("Lion", groups); }
 *     protected Set<String> stateBuffers() { return Set.of("exp_avg"); }
 *     protected boolean countsSteps() { return false; }
 *     protected void update(ParamGroup group, INDArray param, INDArray grad, ParamState state) { ... }
 * }
 * }</pre>
 *
 * <p>State-dict keys (all values are float64 tensors; parameters are numbered across groups
 * in order, as in PyTorch): {@code state.<i>.step}, {@code state.<i>.<buffer>} (e.g.
 * {@code state.0.exp_avg}), {@code param_groups.<g>.<option>} (e.g. {@code param_groups.0.lr},
 * {@code param_groups.0.beta1}) and {@code param_groups.<g>.params} (the parameter numbers).
 */
public abstract class BaseOptimizer implements Optimizer {
    private final String name;
    private final List<ParamGroup> groups;
    private final List<Variable> params = new ArrayList<>();
    private final ParamState[] states;

    protected BaseOptimizer(String name, List<ParamGroup> groups) {
        this.name = name;
        this.groups = List.copyOf(groups);
        for (ParamGroup g : groups) {
            params.addAll(g.params());
        }
        this.states = new ParamState[params.size()];
    }

    /**
     * Updates one parameter in place from its gradient.
     *
     * @param group the parameter's group (its options)
     * @param param the parameter's value, updated in place
     * @param grad its gradient (never modified)
     * @param state its state, empty on the first update
     */
    protected abstract void update(ParamGroup group, INDArray param, INDArray grad, ParamState state);

    /** The names of the per-parameter buffers this optimizer keeps (e.g. {@code exp_avg}). */
    protected abstract Set<String> stateBuffers();

    /** Whether this optimizer counts steps per parameter ({@code state.<i>.step}). */
    protected boolean countsSteps() {
        return true;
    }

    @Override
    public final void step() {
        for (int g = 0; g < groups.size(); g++) {
            double lr = groups.get(g).lr();
            if (!(lr >= 0) || Double.isInfinite(lr)) {
                throw new IllegalStateException(name + ".step: lr of param group " + g + " is " + lr + "; it must be finite and >= 0");
            }
        }
        for (int i = 0; i < params.size(); i++) {
            checkGrad(i, params.get(i));
        }
        int i = 0;
        for (ParamGroup group : groups) {
            for (Variable p : group.params()) {
                Tensor grad = p.grad();
                if (grad != null) {
                    if (states[i] == null) {
                        states[i] = new ParamState();
                    }
                    update(group, p.value().array(), grad.array(), states[i]);
                }
                i++;
            }
        }
    }

    private void checkGrad(int i, Variable p) {
        Tensor grad = p.grad();
        if (grad != null && (!Arrays.equals(grad.shape(), p.value().shape()) || grad.dtype() != p.value().dtype())) {
            throw new IllegalArgumentException(name + ".step: parameter " + i + " has value " + p.value().dtype()
                    + Shapes.str(p.value().shape()) + " but gradient " + grad.dtype() + Shapes.str(grad.shape()));
        }
    }

    @Override
    public void zeroGrad() {
        for (Variable p : params) {
            p.zeroGrad();
        }
    }

    /** The parameter groups (their options can be read; lrs set through the group). */
    public List<ParamGroup> paramGroups() {
        return groups;
    }

    @Override
    public double lr() {
        return groups.get(0).lr();
    }

    @Override
    public void setLr(double lr) {
        for (ParamGroup g : groups) {
            g.setLr(lr);
        }
    }

    @Override
    public int groupCount() {
        return groups.size();
    }

    @Override
    public double lr(int group) {
        return group(group).lr();
    }

    @Override
    public void setLr(int group, double lr) {
        group(group).setLr(lr);
    }

    @Override
    public double initialLr(int group) {
        return group(group).initialLr();
    }

    @Override
    public void setInitialLr(int group, double lr) {
        group(group).setInitialLr(lr);
    }

    private ParamGroup group(int g) {
        if (g < 0 || g >= groups.size()) {
            throw new IllegalArgumentException(name + ": no param group " + g + ", there are " + groups.size());
        }
        return groups.get(g);
    }

    // ---------------------------------------------------------------- state dict

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < states.length; i++) {
            ParamState s = states[i];
            if (s == null) {
                continue;
            }
            if (countsSteps()) {
                out.put("state." + i + ".step", Tensor.scalar((double) s.step));
            }
            for (Map.Entry<String, INDArray> b : s.buffers.entrySet()) {
                out.put("state." + i + "." + b.getKey(), Tensor.wrap(b.getValue().dup('c')));
            }
        }
        int first = 0;
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup group = groups.get(g);
            for (Map.Entry<String, Double> o : group.options().entrySet()) {
                out.put("param_groups." + g + "." + o.getKey(), Tensor.scalar(o.getValue().doubleValue()));
            }
            double[] ids = new double[group.params().size()];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = first + k;
            }
            first += ids.length;
            out.put("param_groups." + g + ".params", Tensor.of(ids, ids.length));
        }
        return out;
    }

    /**
     * Restores a state dict of an optimizer of the same kind over parameters of the same shapes
     * and grouping. Strict and all-or-nothing ({@link StateDictReader}): a missing, unknown or
     * mis-shaped key, a step count that is not a whole number or an option the builder would
     * reject is an {@link IllegalArgumentException} naming it, and nothing is changed.
     */
    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        StateDictReader.load(name, state, in -> {
            List<Map<String, Double>> options = new ArrayList<>();
            int first = 0;
            for (int g = 0; g < groups.size(); g++) {
                options.add(readGroup(in.under("param_groups." + g + "."), g, first));
                first += groups.get(g).params().size();
            }
            ParamState[] loaded = new ParamState[states.length];
            for (int i = 0; i < states.length; i++) {
                loaded[i] = readParamState(in.under("state." + i + "."), i);
            }
            return () -> {
                for (int g = 0; g < groups.size(); g++) {
                    options.get(g).forEach(groups.get(g)::put);
                }
                System.arraycopy(loaded, 0, states, 0, states.length);
            };
        });
    }

    /** Group {@code g}'s options (checked by the builder's rules) and its parameter numbering. */
    private Map<String, Double> readGroup(StateDictReader in, int g, int first) {
        ParamGroup group = groups.get(g);
        Map<String, Double> opts = new LinkedHashMap<>();
        for (String opt : group.options().keySet()) {
            if (!opt.equals("initial_lr")) {
                opts.put(opt, in.number(opt));
            }
        }
        if (in.has("initial_lr")) {
            opts.put("initial_lr", in.number("initial_lr"));
        }
        double[] expected = new double[group.params().size()];
        for (int k = 0; k < expected.length; k++) {
            expected[k] = first + k;
        }
        double[] ids = in.tensor("params").toDoubleArray();
        if (!Arrays.equals(ids, expected)) {
            throw in.invalid("params", "is " + Arrays.toString(ids) + ", expected " + Arrays.toString(expected)
                    + " (this optimizer's group " + g + "); the parameter groups differ");
        }
        Map<String, Double> merged = new LinkedHashMap<>(group.options());
        merged.putAll(opts);
        try {
            group.validate(merged);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(name + ".loadStateDict: param_groups." + g + " holds an invalid option: "
                    + ex.getMessage(), ex);
        }
        return opts;
    }

    /** Parameter {@code i}'s step count and buffers, or null when the dict has none for it. */
    private ParamState readParamState(StateDictReader in, int i) {
        INDArray like = params.get(i).value().array();
        List<String> keys = in.keysStartingWith("");
        if (keys.isEmpty()) {
            return null;
        }
        ParamState s = new ParamState();
        if (countsSteps()) {
            s.step = in.wholeNumber("step", 0, Long.MAX_VALUE);
        }
        for (String buffer : keys) {
            if (buffer.equals("step") && countsSteps()) {
                continue;
            }
            if (!stateBuffers().contains(buffer)) {
                throw in.unexpected(buffer, name + " keeps " + (stateBuffers().isEmpty() ? "no buffers" : new TreeSet<>(stateBuffers()))
                        + (countsSteps() ? " and step" : "") + " per parameter");
            }
            Tensor t = in.tensor(buffer);
            if (!Arrays.equals(t.shape(), like.shape())) {
                throw in.invalid(buffer, "has shape " + Shapes.str(t.shape()) + ", expected parameter " + i + "'s shape "
                        + Shapes.str(like.shape()));
            }
            s.buffers.put(buffer, t.array().castTo(like.dataType()).dup('c'));
        }
        return s;
    }

    /**
     * The gradient with L2 weight decay, {@code g + weight_decay * p} (PyTorch's
     * {@code grad.add(param, alpha=weight_decay)}), in scratch array 0; {@code grad} itself when
     * the decay is 0.
     */
    protected static INDArray l2(INDArray grad, INDArray param, double weightDecay, ParamState s) {
        return weightDecay == 0 ? grad : Ops.get().axpy(grad, weightDecay, param, s.scratch(0, param));
    }

    /** A fresh array with {@code a}'s values (used for state initialized from a gradient). */
    protected static INDArray copyOf(INDArray a) {
        INDArray c = NdArrays.uninitialized(a.dataType(), a.shape());
        return c.assign(a);
    }
}
