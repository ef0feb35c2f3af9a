package io.jgrad.train;

import io.jgrad.nn.Checkpoints;
import io.jgrad.nn.SafeTensors;
import io.jgrad.tensor.StateDictReader;
import io.jgrad.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves the model's state dict as safetensors whenever a monitored metric reaches a new best
 * (Keras' {@code ModelCheckpoint(save_best_only=True)}). The write is atomic, and a non-finite
 * metric never counts as an improvement, so a diverging run leaves the last good file intact.
 * With {@code restoreBestAtEnd} the model is reloaded from the file when training ends. The best
 * value and its epoch go into training checkpoints, so a resumed run saves (and restores at the
 * end) exactly what the uninterrupted one does.
 */
public final class BestCheckpoint implements StatefulCallback {
    private static final Logger LOG = LoggerFactory.getLogger(BestCheckpoint.class);

    private final Path file;
    private final String metric;
    private final boolean restoreBestAtEnd;
    private MetricMonitor monitor;

    /** Saves to {@code file} on every new best of {@code metric} (e.g. {@code val_acc}). */
    public BestCheckpoint(Path file, String metric) {
        this(file, metric, false);
    }

    public BestCheckpoint(Path file, String metric, boolean restoreBestAtEnd) {
        if (file == null) {
            throw new IllegalArgumentException("BestCheckpoint: file is null");
        }
        this.monitor = new MetricMonitor(metric, 0);
        this.file = file;
        this.metric = metric;
        this.restoreBestAtEnd = restoreBestAtEnd;
    }

    @Override
    public void onTrainBegin(TrainingContext ctx) {
        MetricMonitor.requireFits("BestCheckpoint", metric, ctx.task());
        monitor = new MetricMonitor(metric, 0);
        SafeTensors.removeStaleTemporaries(file); // of a save a killed earlier run was making
    }

    @Override
    public void onEpochEnd(EpochStats stats, TrainingContext ctx) {
        if (monitor.update(stats)) {
            try {
                History.createParent(file);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("BestCheckpoint: cannot create the directory of " + file, e);
            }
            Checkpoints.save(ctx.model(), file);
            LOG.debug("epoch {}: {} = {} is the best so far, saved {}", stats.epoch(), metric, monitor.best(), file);
        }
    }

    @Override
    public void onTrainEnd(History history, TrainingContext ctx) {
        if (restoreBestAtEnd && monitor.bestEpoch() > 0 && Files.isRegularFile(file)) {
            Checkpoints.load(ctx.model(), file);
            LOG.info("restored the best model ({} = {} at epoch {}) from {}", metric, monitor.best(),
                    monitor.bestEpoch(), file);
        }
    }

    /** {@code best} and {@code best_epoch} as float64 scalars. */
    @Override
    public Map<String, Tensor> state() {
        return monitor.state();
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        StateDictReader.load("BestCheckpoint", state, monitor::readState);
    }

    /** The epoch whose weights are in the file (-1 when none was saved). */
    public int bestEpoch() {
        return monitor.bestEpoch();
    }

    /** The checkpoint file. */
    public Path file() {
        return file;
    }
}
