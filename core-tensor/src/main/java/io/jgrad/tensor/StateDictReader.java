package io.jgrad.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;

/**
 * The one way every {@code loadStateDict} in jgrad (modules, optimizers, schedulers) reads a
 * state dict, so that each is all or nothing in the same way. {@link #load} hands a reader to
 * the caller's {@link Plan}, which reads and checks every entry into local values (keys, shapes,
 * element counts, values) and returns the step that applies them; only after the plan has read
 * the whole dict and no key is left unread does that step run. Any problem is an
 * {@link IllegalArgumentException} {@code "<Class>.loadStateDict: key '<key>' <problem>, expected
 * <what>"}, thrown before anything has changed.
 *
 * <pre>{@code
 * StateDictReader.load("StepLR", state, in -> {
 *     long epoch = in.wholeNumber("last_epoch", -1, Integer.MAX_VALUE);
 *     return () -> lastEpoch = (int) epoch;
 * });
 * }</pre>
 */
public final class StateDictReader {
    /** Reads and checks the whole dict, changing nothing, and returns the step that applies it. */
    @FunctionalInterface
    public interface Plan {
        Runnable read(StateDictReader in);
    }

    private final String where;
    private final String prefix;
    private final Map<String, Tensor> state;
    private final Set<String> read;

    private StateDictReader(String where, String prefix, Map<String, Tensor> state, Set<String> read) {
        this.where = where;
        this.prefix = prefix;
        this.state = state;
        this.read = read;
    }

    /**
     * Runs {@code plan} over {@code state} for {@code owner} (a class name such as {@code "Adam"}),
     * rejects keys the plan did not read, and only then applies what the plan returned.
     */
    public static void load(String owner, Map<String, Tensor> state, Plan plan) {
        String where = owner + ".loadStateDict";
        if (state == null) {
            throw new IllegalArgumentException(where + ": state is null, expected a map of tensors");
        }
        StateDictReader in = new StateDictReader(where, "", state, new HashSet<>());
        Runnable apply = plan.read(in);
        in.rejectUnread();
        apply.run();
    }

    /** A reader of the keys under {@code sub} (e.g. {@code "schedulers.0."}), named by their full key in messages. */
    public StateDictReader under(String sub) {
        return new StateDictReader(where, prefix + sub, state, read);
    }

    /** Whether the dict holds {@code key}. */
    public boolean has(String key) {
        return state.containsKey(prefix + key);
    }

    /** The keys under this reader's prefix that start with {@code start}, without the prefix, in the dict's order. */
    public List<String> keysStartingWith(String start) {
        List<String> out = new ArrayList<>();
        for (String k : state.keySet()) {
            if (k.startsWith(prefix + start)) {
                out.add(k.substring(prefix.length()));
            }
        }
        return out;
    }

    /**
     * Requires exactly {@code expected} under this reader's prefix, naming every missing key (in
     * {@code expected}'s order) and every unexpected one (in the dict's order) at once.
     */
    public void expectKeys(Collection<String> expected) {
        Set<String> missing = new LinkedHashSet<>();
        for (String k : expected) {
            if (!has(k)) {
                missing.add(prefix + k);
            }
        }
        Set<String> unexpected = new LinkedHashSet<>();
        for (String k : keysStartingWith("")) {
            if (!expected.contains(k)) {
                unexpected.add(prefix + k);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IllegalArgumentException(where + ": " + (missing.isEmpty() ? "" : "missing keys " + missing)
                    + (missing.isEmpty() || unexpected.isEmpty() ? "" : "; ") + (unexpected.isEmpty() ? "" : "unexpected keys " + unexpected));
        }
    }

    /** The tensor under {@code key}; it must be present and not null. */
    public Tensor tensor(String key) {
        String full = prefix + key;
        if (!state.containsKey(full)) {
            throw new IllegalArgumentException(where + ": missing key '" + full + "'");
        }
        Tensor t = state.get(full);
        if (t == null) {
            throw invalid(key, "maps to null, expected a tensor");
        }
        read.add(full);
        return t;
    }

    /** The tensor under {@code key}, which must have exactly {@code shape}. */
    public Tensor tensor(String key, long[] shape) {
        Tensor t = tensor(key);
        if (!Arrays.equals(t.shape(), shape)) {
            throw invalid(key, "has shape " + Shapes.str(t.shape()) + ", expected " + Shapes.str(shape));
        }
        return t;
    }

    /** The single number under {@code key} (a one-element tensor of any rank); NaN is rejected. */
    public double number(String key) {
        Tensor t = tensor(key);
        if (t.size() != 1) {
            throw invalid(key, "has shape " + Shapes.str(t.shape()) + ", expected one number");
        }
        double v = t.getDouble(0);
        if (Double.isNaN(v)) {
            throw invalid(key, "is NaN, expected a number");
        }
        return v;
    }

    /** The single number under {@code key}, which must pass {@code ok}; {@code expected} says what passes. */
    public double number(String key, DoublePredicate ok, String expected) {
        double v = number(key);
        if (!ok.test(v)) {
            throw invalid(key, "is " + v + ", expected " + expected);
        }
        return v;
    }

    /** A whole number in {@code [min, max]} (a count or an index) under {@code key}. */
    public long wholeNumber(String key, long min, long max) {
        return (long) number(key, v -> v == Math.rint(v) && v >= min && v <= max,
                "a whole number " + (max == Long.MAX_VALUE ? ">= " + min : "in [" + min + ", " + max + "]"));
    }

    /** A finite number {@code >= 0} (an lr, a rate) under {@code key}. */
    public double nonNegative(String key) {
        return number(key, v -> v >= 0 && !Double.isInfinite(v), "a finite number >= 0");
    }

    /** The {@code length} finite numbers {@code >= 0} of a 1-d tensor under {@code key} (e.g. per-group lrs). */
    public double[] nonNegatives(String key, int length) {
        double[] v = tensor(key, new long[] {length}).toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0) || Double.isInfinite(v[i])) {
                throw invalid(key, "has element [" + i + "] = " + v[i] + ", expected a finite number >= 0");
            }
        }
        return v;
    }

    /** An exception for {@code key} (relative to this reader) saying {@code problem}, to throw from a plan's own checks. */
    public IllegalArgumentException invalid(String key, String problem) {
        return new IllegalArgumentException(where + ": key '" + prefix + key + "' " + problem);
    }

    /** An exception for a key (relative to this reader) the owner does not keep, {@code why} saying what it keeps. */
    public IllegalArgumentException unexpected(String key, String why) {
        return new IllegalArgumentException(where + ": unexpected key '" + prefix + key + "' (" + why + ")");
    }

    private void rejectUnread() {
        Set<String> unread = new LinkedHashSet<>(state.keySet());
        unread.removeAll(read);
        if (!unread.isEmpty()) {
            throw new IllegalArgumentException(where + ": unexpected key" + (unread.size() == 1 ? " '" + unread.iterator().next() + "'"
                    : "s " + unread));
        }
    }
}
