package io.jgrad.train;

import io.jgrad.nn.Module;
import io.jgrad.optim.LRScheduler;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.ReduceLROnPlateau;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The options every trainer shares, as a self-typed fluent builder base (so
 * {@code Trainer.builder()...epochs(5)} keeps returning the Trainer's builder). Defaults live
 * here and only here: 10 epochs, batch size 32, shuffling with seed 0, no scheduler, no
 * gradient clipping, progress chosen automatically, stop on a non-finite loss, no checkpoint, no
 * TensorBoard log.
 */
public abstract class TrainerOptions<B extends TrainerOptions<B>> {
    Module model;
    Optimizer optimizer;
    int epochs = 10;
    int maxSteps;
    int batchSize = 32;
    boolean shuffle = true;
    boolean dropLast;
    long seed;
    LRScheduler scheduler;
    SchedulerInterval schedulerInterval = SchedulerInterval.EPOCH;
    ReduceLROnPlateau plateau;
    String plateauMetric;
    double clipGradNorm;
    final List<Callback> callbacks = new ArrayList<>();
    Progress progress;
    NonFiniteLoss onNonFiniteLoss = NonFiniteLoss.STOP;
    int evalBatchSize = Evaluator.DEFAULT_BATCH_SIZE;
    Path checkpointFile;
    int checkpointEvery;
    Path resumeFrom;
    Path tensorBoardDir;

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The model to train (required). */
    public B model(Module model) {
        this.model = model;
        return self();
    }

    /** The optimizer over the model's parameters (required). */
    public B optimizer(Optimizer optimizer) {
        this.optimizer = optimizer;
        return self();
    }

    /** Number of passes over the training data (default 10). */
    public B epochs(int epochs) {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be positive, got " + epochs);
        }
        this.epochs = epochs;
        return self();
    }

    /**
     * Train for exactly this many optimizer steps instead of a number of epochs (the last
     * epoch may be partial); 0 (default) means use {@link #epochs}.
     */
    public B steps(int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        this.maxSteps = steps;
        return self();
    }

    /** Examples per training batch (default 32). */
    public B batchSize(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        this.batchSize = batchSize;
        return self();
    }

    /** Reshuffle the training data every epoch (default true). */
    public B shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return self();
    }

    /** Drop a final batch smaller than the batch size (default false). */
    public B dropLast(boolean dropLast) {
        this.dropLast = dropLast;
        return self();
    }

    /** Seed of the shuffling (default 0): the same seed gives the same batches. */
    public B seed(long seed) {
        this.seed = seed;
        return self();
    }

    /** A learning-rate scheduler stepped after every epoch (default none). */
    public B scheduler(LRScheduler scheduler) {
        return scheduler(scheduler, SchedulerInterval.EPOCH);
    }

    /** A learning-rate scheduler stepped after every epoch or every batch. */
    public B scheduler(LRScheduler scheduler, SchedulerInterval interval) {
        if (interval == null) {
            throw new IllegalArgumentException("scheduler: interval is null");
        }
        this.scheduler = scheduler;
        this.schedulerInterval = interval;
        return self();
    }

    /**
     * Lowers the lr when {@code metric} (e.g. {@code val_loss}; give the scheduler the matching
     * mode) stops improving: {@code plateau.step(metric)} after every epoch.
     */
    public B plateau(ReduceLROnPlateau plateau, String metric) {
        if (plateau != null) {
            EpochStats.higherIsBetter(metric);
        }
        this.plateau = plateau;
        this.plateauMetric = metric;
        return self();
    }

    /** Clip the global gradient norm to {@code maxNorm} before each step; 0 (default) disables it. */
    public B clipGradNorm(double maxNorm) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("clipGradNorm must be >= 0 (0 disables it), got " + maxNorm);
        }
        this.clipGradNorm = maxNorm;
        return self();
    }

    /** Adds callbacks (early stopping, checkpoints, lr logging...), called in the order added. */
    public B callbacks(Callback... callbacks) {
        this.callbacks.addAll(List.of(callbacks));
        return self();
    }

    /** How progress is shown (default {@link Progress#auto()}). */
    public B progress(Progress progress) {
        this.progress = progress;
        return self();
    }

    /** What to do on a NaN or infinite loss (default {@link NonFiniteLoss#STOP}). */
    public B onNonFiniteLoss(NonFiniteLoss action) {
        if (action == null) {
            throw new IllegalArgumentException("onNonFiniteLoss: action is null");
        }
        this.onNonFiniteLoss = action;
        return self();
    }

    /** Batch size of validation passes (default 1000). */
    public B evalBatchSize(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("evalBatchSize must be positive, got " + size);
        }
        this.evalBatchSize = size;
        return self();
    }

    /**
     * Saves a {@link TrainingCheckpoint} (model, optimizer, scheduler and the global step, written
     * atomically) to {@code file} after every {@code everySteps} optimizer steps and at the end of
     * every epoch; {@code everySteps} 0 saves at epoch ends only. A run that crashes can be
     * continued with {@link #resumeFrom}. {@code file} null disables checkpointing (default).
     */
    public B checkpoint(Path file, int everySteps) {
        if (everySteps < 0) {
            throw new IllegalArgumentException("checkpoint: everySteps must be >= 0 (0 = at epoch ends only), got "
                    + everySteps);
        }
        this.checkpointFile = file;
        this.checkpointEvery = everySteps;
        return self();
    }

    /**
     * Before training, restores model, optimizer and scheduler from the {@link TrainingCheckpoint}
     * {@code file} (it must exist) and continues from its step: the finished epochs and batches are
     * skipped with the data in the same order, so with the same seeds and options the run ends
     * bit for bit where the uninterrupted one would have. {@code epochs}/{@code steps} still count
     * the whole run. The returned {@link History} holds only the resumed epochs (the first of them
     * with the stats of its remaining batches). Not saved, hence not restored: the state of a
     * {@link #plateau} scheduler and of callbacks (e.g. early stopping's patience). Null (default)
     * starts from scratch.
     */
    public B resumeFrom(Path file) {
        this.resumeFrom = file;
        return self();
    }

    /**
     * Logs every epoch to TensorBoard event files in {@code logDir} (a {@link SummaryWriter}; a
     * resumed run adds a new file beside the old ones): the scalars {@code loss/train},
     * {@code loss/val}, {@code accuracy/train}, {@code accuracy/val} (those the run has) and
     * {@code lr} (the epoch's learning rate), and a histogram {@code parameters/<name>} of every
     * parameter, all at step = the epoch number. Null (default) logs nothing.
     */
    public B tensorBoard(Path logDir) {
        this.tensorBoardDir = logDir;
        return self();
    }

    /**
     * Copies every shared option into {@code dst}; a trainer keeps such a copy, so changing its
     * builder after {@code build()} does not change the trainer.
     */
    <T extends TrainerOptions<T>> T copyInto(T dst) {
        dst.model = model;
        dst.optimizer = optimizer;
        dst.epochs = epochs;
        dst.maxSteps = maxSteps;
        dst.batchSize = batchSize;
        dst.shuffle = shuffle;
        dst.dropLast = dropLast;
        dst.seed = seed;
        dst.scheduler = scheduler;
        dst.schedulerInterval = schedulerInterval;
        dst.plateau = plateau;
        dst.plateauMetric = plateauMetric;
        dst.clipGradNorm = clipGradNorm;
        dst.callbacks.clear();
        dst.callbacks.addAll(callbacks);
        dst.progress = progress;
        dst.onNonFiniteLoss = onNonFiniteLoss;
        dst.evalBatchSize = evalBatchSize;
        dst.checkpointFile = checkpointFile;
        dst.checkpointEvery = checkpointEvery;
        dst.resumeFrom = resumeFrom;
        dst.tensorBoardDir = tensorBoardDir;
        return dst;
    }

    void checkRequired(String owner) {
        if (model == null || optimizer == null) {
            throw new IllegalStateException(owner + ": " + (model == null ? "model" : "optimizer")
                    + " is not set; call .model(...) and .optimizer(...) before build()");
        }
    }
}
