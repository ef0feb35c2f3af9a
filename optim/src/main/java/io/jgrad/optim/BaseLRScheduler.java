package io.jgrad.optim;

import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the epoch-driven schedulers share, like PyTorch's {@code _LRScheduler}: per-group base
 * lrs (the groups' {@code initial_lr}, recorded by the first scheduler attached), the epoch
 * counter, and a {@link #step()} that computes every group's new lr with the subclass's
 * chainable formula and then sets them all.
 *
 * <p>Subclass constructors call {@link #initialStep()} last; it moves to epoch 0 and sets the
 * optimizer's lr for step 0 as PyTorch's constructors do. Formulas are PyTorch 1.13's
 * recursive ones ({@code get_lr}), which multiply the current lr, so values match PyTorch's
 * bit for bit and schedulers can be chained.
 *
 * <p>State dict: {@code last_epoch}, {@code base_lrs} and {@code last_lrs} (float64), plus what
 * a subclass adds in {@link #saveState}; the optimizer's lrs are in its own state dict.
 */
public abstract class BaseLRScheduler implements LRScheduler {
    protected final Optimizer optimizer;
    protected final double[] baseLrs;
    private final String name;
    private int lastEpoch = -1;
    private double[] lastLrs;

    protected BaseLRScheduler(String name, Optimizer optimizer) {
        if (optimizer == null) {
            throw new IllegalArgumentException(name + ": optimizer is null");
        }
        this.name = name;
        this.optimizer = optimizer;
        this.baseLrs = new double[optimizer.groupCount()];
        this.lastLrs = new double[baseLrs.length];
    }

    /**
     * The new lr of group {@code group} at epoch {@link #lastEpoch()}, from its current lr
     * (PyTorch's chainable {@code get_lr}).
     */
    protected abstract double nextLr(int group, double currentLr);

    /** Moves to epoch 0 and sets the step-0 lrs; subclass constructors call it last. */
    protected final void initialStep() {
        for (int g = 0; g < baseLrs.length; g++) {
            if (Double.isNaN(optimizer.initialLr(g))) {
                optimizer.setInitialLr(g, optimizer.lr(g));
            }
            double initial = optimizer.initialLr(g);
            baseLrs[g] = Double.isNaN(initial) ? optimizer.lr(g) : initial;
        }
        step();
    }

    @Override
    public void step() {
        lastEpoch++;
        double[] lrs = new double[baseLrs.length];
        for (int g = 0; g < lrs.length; g++) {
            lrs[g] = nextLr(g, optimizer.lr(g));
        }
        for (int g = 0; g < lrs.length; g++) {
            optimizer.setLr(g, lrs[g]);
        }
        lastLrs = lrs;
    }

    /** Starts over at epoch 0 from the base lrs ({@link SequentialLR} at a milestone; PyTorch's {@code step(0)}). */
    void restart() {
        for (int g = 0; g < baseLrs.length; g++) {
            optimizer.setLr(g, baseLrs[g]);
        }
        lastEpoch = -1;
        step();
    }

    /** Undoes the epoch count of the initial step ({@link SequentialLR}'s constructor). */
    void rewindEpoch() {
        lastEpoch--;
    }

    /** The number of {@link #step()}s since epoch 0. */
    public int lastEpoch() {
        return lastEpoch;
    }

    @Override
    public double lastLr() {
        return lastLrs[0];
    }

    /** The lr this scheduler set last for every group. */
    public double[] lastLrs() {
        return lastLrs.clone();
    }

    /** The optimizer this scheduler drives. */
    public Optimizer optimizer() {
        return optimizer;
    }

    // ---------------------------------------------------------------- state dict

    /** This scheduler's state: {@code last_epoch}, {@code base_lrs}, {@code last_lrs} and subclass state. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("last_epoch", Tensor.scalar((double) lastEpoch));
        out.put("base_lrs", Tensor.of(baseLrs.clone(), baseLrs.length));
        out.put("last_lrs", Tensor.of(lastLrs.clone(), lastLrs.length));
        saveState("", out);
        return out;
    }

    /** Restores {@link #stateDict()}; strict (missing, extra or mis-shaped keys are rejected, nothing changes). */
    public void loadStateDict(Map<String, Tensor> state) {
        if (state == null) {
            throw new IllegalArgumentException(name + ".loadStateDict: state is null");
        }
        Map<String, Tensor> expected = stateDict();
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor t = state.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException(name + ".loadStateDict: missing key '" + e.getKey() + "'");
            }
            if (!Arrays.equals(t.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException(name + ".loadStateDict: " + e.getKey() + " has shape "
                        + Shapes.str(t.shape()) + ", expected " + Shapes.str(e.getValue().shape()));
            }
        }
        for (String key : state.keySet()) {
            if (!expected.containsKey(key)) {
                throw new IllegalArgumentException(name + ".loadStateDict: unexpected key '" + key + "'");
            }
        }
        lastEpoch = (int) state.get("last_epoch").getDouble(0);
        System.arraycopy(state.get("base_lrs").toDoubleArray(), 0, baseLrs, 0, baseLrs.length);
        lastLrs = state.get("last_lrs").toDoubleArray();
        loadState("", state);
    }

    /** Adds subclass state under {@code prefix}; the default adds nothing. */
    protected void saveState(String prefix, Map<String, Tensor> out) {
    }

    /** Restores what {@link #saveState} added (keys and shapes already checked). */
    protected void loadState(String prefix, Map<String, Tensor> state) {
    }

    /** Checks a constructor argument, naming it and its value. */
    protected static void require(boolean ok, String scheduler, String argument, Object value, String needs) {
        if (!ok) {
            throw new IllegalArgumentException(scheduler + ": invalid " + argument + " value: " + value + " (needs " + needs + ")");
        }
    }
}
