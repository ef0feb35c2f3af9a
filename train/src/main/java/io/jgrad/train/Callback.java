package io.jgrad.train;

/**
 * A hook into the training loop, like Keras' callbacks: early stopping, checkpointing and
 * logging are callbacks so the loop itself stays short. All methods default to doing nothing.
 */
public interface Callback {
    /** Before the first epoch. */
    default void onTrainBegin(TrainingContext ctx) {
    }

    /** After each completed epoch (after validation and after the per-epoch scheduler step). */
    default void onEpochEnd(EpochStats stats, TrainingContext ctx) {
    }

    /** After the last epoch, also when training stopped early or diverged. */
    default void onTrainEnd(History history, TrainingContext ctx) {
    }
}
