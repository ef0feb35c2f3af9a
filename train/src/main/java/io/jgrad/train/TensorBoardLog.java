package io.jgrad.train;

import io.jgrad.nn.Module;
import io.jgrad.nn.Parameter;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a trainer's {@code tensorBoard(dir)} writes after each epoch: its losses, accuracies and
 * learning rate as scalars and every parameter as a histogram, at step = epoch, flushed so a
 * running TensorBoard shows the epoch at once.
 */
final class TensorBoardLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TensorBoardLog.class);

    private final SummaryWriter writer;

    private TensorBoardLog(Path dir) {
        this.writer = new SummaryWriter(dir);
        LOG.info("TensorBoard events go to {}", writer.file());
    }

    /** A log in {@code dir}, or null when {@code dir} is null (no logging). */
    static TensorBoardLog open(Path dir) {
        return dir == null ? null : new TensorBoardLog(dir);
    }

    void epoch(EpochStats stats, Module model) {
        long step = stats.epoch();
        scalar("loss/train", stats.trainLoss(), step);
        scalar("loss/val", stats.valLoss(), step);
        scalar("accuracy/train", stats.trainAcc(), step);
        scalar("accuracy/val", stats.valAcc(), step);
        scalar("lr", stats.lr(), step);
        for (Map.Entry<String, Parameter> p : model.namedParameters().entrySet()) {
            try {
                writer.addHistogram("parameters/" + p.getKey(), p.getValue().value(), step);
            } catch (IllegalArgumentException e) { // a parameter without a finite value has no histogram
                LOG.warn("epoch {}: no histogram of {}: {}", step, p.getKey(), e.getMessage());
            }
        }
        writer.flush();
    }

    /** NaN marks a metric the run does not have (no validation set, a regression's accuracy). */
    private void scalar(String tag, double value, long step) {
        if (!Double.isNaN(value)) {
            writer.addScalar(tag, value, step);
        }
    }

    @Override
    public void close() {
        writer.close();
    }
}
