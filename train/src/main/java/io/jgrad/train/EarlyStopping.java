package io.jgrad.train;

import io.jgrad.tensor.StateDictReader;
import io.jgrad.tensor.Tensor;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops training when a monitored metric has not improved for {@code patience} epochs in a row
 * (Keras' {@code EarlyStopping}; patience 0 stops at the first epoch without improvement). Losses must decrease, accuracies increase, by more than
 * {@code minDelta}. Its state (best value, its epoch, the epochs waited) goes into training
 * checkpoints, so a resumed run stops where the uninterrupted one stops.
 */
public final class EarlyStopping implements StatefulCallback {
    private static final Logger LOG = LoggerFactory.getLogger(EarlyStopping.class);

    private final String metric;
    private final int patience;
    private final double minDelta;
    private MetricMonitor monitor;
    private int wait;

    /** Stops after {@code patience} epochs without improvement of {@code metric} (e.g. {@code val_loss}). */
    public EarlyStopping(String metric, int patience) {
        this(metric, patience, 0);
    }

    public EarlyStopping(String metric, int patience, double minDelta) {
        if (patience < 0) {
            throw new IllegalArgumentException("EarlyStopping: patience must be >= 0, got " + patience);
        }
        this.monitor = new MetricMonitor(metric, minDelta);
        this.metric = metric;
        this.patience = patience;
        this.minDelta = minDelta;
    }

    @Override
    public void onTrainBegin(TrainingContext ctx) {
        MetricMonitor.requireFits("EarlyStopping", metric, ctx.task());
        monitor = new MetricMonitor(metric, minDelta);
        wait = 0;
    }

    @Override
    public void onEpochEnd(EpochStats stats, TrainingContext ctx) {
        if (monitor.update(stats)) {
            wait = 0;
            return;
        }
        wait++;
        if (wait >= patience) {
            String reason = String.format("early stopping: %s did not improve for %d epochs (best %.4f at epoch %d)",
                    metric, wait, monitor.best(), monitor.bestEpoch());
            LOG.info(reason);
            ctx.requestStop(reason);
        }
    }

    /** {@code best}, {@code best_epoch} and {@code wait} (epochs without improvement) as float64 scalars. */
    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = monitor.state();
        out.put("wait", Tensor.scalar((double) wait));
        return out;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        StateDictReader.load("EarlyStopping", state, in -> {
            Runnable best = monitor.readState(in);
            int w = (int) in.wholeNumber("wait", 0, Integer.MAX_VALUE);
            return () -> {
                best.run();
                wait = w;
            };
        });
    }

    /** The epoch with the best value so far (-1 before any finite value). */
    public int bestEpoch() {
        return monitor.bestEpoch();
    }
}
