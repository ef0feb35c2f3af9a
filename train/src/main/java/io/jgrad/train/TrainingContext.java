package io.jgrad.train;

import io.jgrad.nn.Module;
import io.jgrad.optim.Optimizer;

/** What a {@link Callback} may see and do: the model, the optimizer, the history, and stop. */
public final class TrainingContext {
    private final Module model;
    private final Optimizer optimizer;
    private final History history;
    private final Task task;
    private String stopRequest;

    TrainingContext(Module model, Optimizer optimizer, History history, Task task) {
        this.model = model;
        this.task = task;
        this.optimizer = optimizer;
        this.history = history;
    }

    /** The model being trained. */
    public Module model() {
        return model;
    }

    /** Its optimizer. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** What the model is trained for, which decides the metrics (e.g. no val_acc in a regression). */
    public Task task() {
        return task;
    }

    /** The epochs so far. */
    public History history() {
        return history;
    }

    /** Asks the loop to stop after the current epoch, giving the reason recorded in the history. */
    public void requestStop(String reason) {
        if (stopRequest == null) {
            stopRequest = reason;
        }
    }

    String stopRequest() {
        return stopRequest;
    }
}
