package io.jgrad.train;

import io.jgrad.tensor.Tensor;
import java.util.Map;

/**
 * A {@link Callback} whose decisions depend on what it has seen (a best value, a patience
 * counter), so that a run resumed from a training checkpoint must give it back that memory to
 * end where the uninterrupted run ends. When the trainer writes a checkpoint it stores
 * {@link #state()} (keys {@code callback.<position>.<key>}, the position in the callbacks list);
 * on {@code resumeFrom} it calls {@link #onTrainBegin} and then {@link #loadState} with what was
 * stored. The built-in {@link EarlyStopping} and {@link BestCheckpoint} implement it.
 *
 * <pre>{@code
 * class CountEpochs implements StatefulCallback {
 *     int seen;
 *     public void onEpochEnd(EpochStats s, TrainingContext ctx) { seen++; }
 *     public Map<String, Tensor> state() { return Map.of("seen", Tensor.scalar((double) seen)); }
 *     public void loadState(Map<String, Tensor> state) { seen = (int) state.get("seen").getDouble(0); }
 * }
 * }</pre>
 * A resumed run must be built with the same callbacks in the same order.
 */
public interface StatefulCallback extends Callback {
    /**
     * A snapshot of everything this callback's future behaviour depends on, as named tensors
     * (use float64 scalars for counts and values: they are stored exactly; read them back with
     * {@code getDouble(0)}, as {@code item()} rounds to float32). Called after each
     * step that ends with a checkpoint, so it should be cheap and must not change the callback.
     */
    Map<String, Tensor> state();

    /**
     * Restores what {@link #state()} returned. A state that does not fit should be an
     * {@link IllegalArgumentException} with nothing changed (the trainer then rolls back
     * whatever else it had restored).
     */
    void loadState(Map<String, Tensor> state);
}
