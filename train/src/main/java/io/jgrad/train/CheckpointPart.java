package io.jgrad.train;

import io.jgrad.nn.Module;
import io.jgrad.nn.Stochastic;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One section of a training checkpoint: the thing's state out (its keys stored under
 * {@code name.}) and its state in. {@link TrainingCheckpoint} saves and loads a list of these all
 * or nothing, rolling back the ones already loaded when a later one does not fit.
 *
 * @param name the key prefix, without the dot; unique within a checkpoint, no dots
 * @param save the current state (a snapshot that later training does not change)
 * @param load restores a state {@code save} returned (the keys without the prefix); throws
 *             {@link IllegalArgumentException} with nothing changed when it does not fit
 */
record CheckpointPart(String name, Supplier<Map<String, Tensor>> save, Consumer<Map<String, Tensor>> load) {

    /**
     * The generators a run draws from, keyed by name and looked up at every save and load (so a
     * {@code Rng.manualSeed} in between is followed): each stored as its 4-value
     * {@link Rng#getState()}. Loading checks every entry before setting any; a file saved before
     * generators were stored (no key at all) leaves the generators as they are.
     */
    static CheckpointPart generators(Supplier<Map<String, Rng>> generators) {
        return new CheckpointPart("generator", () -> {
            Map<String, Tensor> out = new LinkedHashMap<>();
            generators.get().forEach((k, rng) -> out.put(k, rng.getState()));
            return out;
        }, state -> {
            Map<String, Rng> byName = generators.get();
            if (state.isEmpty()) {
                return; // an older checkpoint without generator states
            }
            if (!state.keySet().equals(byName.keySet())) {
                throw new IllegalArgumentException("the file holds the generators " + state.keySet()
                        + " but this run draws from " + byName.keySet() + " (was the model or its Dropout layers changed?)");
            }
            for (Map.Entry<String, Tensor> e : state.entrySet()) {
                try {
                    new Rng(0).setState(e.getValue()); // checks it, changing nothing
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("key '" + e.getKey() + "': " + ex.getMessage(), ex);
                }
            }
            state.forEach((k, t) -> byName.get(k).setState(t));
        });
    }

    /**
     * The generators of {@code model}'s {@link Stochastic} modules (keys {@code model.<path>},
     * {@code model} for the root) and the global generator ({@code global}), which layers built
     * without their own generator and user code draw from.
     */
    static Map<String, Rng> generatorsOf(Module model) {
        Map<String, Rng> out = new LinkedHashMap<>();
        collect("model", model, out);
        out.put("global", Rng.global());
        return out;
    }

    private static void collect(String path, Module m, Map<String, Rng> out) {
        if (m instanceof Stochastic s && s.generator() != null) {
            out.put(path, s.generator());
        }
        m.children().forEach((name, child) -> collect(path + "." + name, child, out));
    }

    /**
     * The {@link StatefulCallback}s among {@code callbacks}, keyed {@code <position>.<key>} by
     * their position in the list. Loading checks that the file holds exactly those positions and
     * puts back the ones already loaded when a later one refuses its state.
     */
    static CheckpointPart callbacks(List<Callback> callbacks) {
        Map<String, StatefulCallback> byPosition = new LinkedHashMap<>();
        for (int i = 0; i < callbacks.size(); i++) {
            if (callbacks.get(i) instanceof StatefulCallback s) {
                byPosition.put(Integer.toString(i), s);
            }
        }
        return new CheckpointPart("callback", () -> {
            Map<String, Tensor> out = new LinkedHashMap<>();
            byPosition.forEach((i, c) -> c.state().forEach((k, v) -> out.put(i + "." + k, v)));
            return out;
        }, state -> {
            Map<String, Map<String, Tensor>> split = new LinkedHashMap<>();
            byPosition.keySet().forEach(i -> split.put(i, new LinkedHashMap<>()));
            state.forEach((k, v) -> {
                int dot = k.indexOf('.');
                Map<String, Tensor> one = dot < 0 ? null : split.get(k.substring(0, dot));
                if (one == null) {
                    throw new IllegalArgumentException("unexpected key '" + k + "': the stateful callbacks of this run "
                            + "are at positions " + byPosition.keySet() + " (build the resumed run with the same "
                            + "callbacks in the same order)");
                }
                one.put(k.substring(dot + 1), v);
            });
            Map<String, Map<String, Tensor>> backups = new LinkedHashMap<>();
            for (Map.Entry<String, StatefulCallback> e : byPosition.entrySet()) {
                try {
                    backups.put(e.getKey(), e.getValue().state());
                    e.getValue().loadState(split.get(e.getKey()));
                } catch (IllegalArgumentException ex) {
                    backups.remove(e.getKey());
                    backups.forEach((i, b) -> byPosition.get(i).loadState(b));
                    throw new IllegalArgumentException("callback " + e.getKey() + " ("
                            + e.getValue().getClass().getSimpleName() + "): " + ex.getMessage(), ex);
                }
            }
        });
    }
}
