package io.jgrad.train;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the learning rate after every epoch: at INFO when the scheduler changed it for the next
 * epoch, at DEBUG otherwise (the epoch summary line already shows it).
 */
public final class LrLogger implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(LrLogger.class);

    @Override
    public void onEpochEnd(EpochStats stats, TrainingContext ctx) {
        double next = ctx.optimizer().lr();
        if (next != stats.lr()) {
            LOG.info("epoch {}: lr {} -> {}", stats.epoch(), fmt(stats.lr()), fmt(next));
        } else {
            LOG.debug("epoch {}: lr {}", stats.epoch(), fmt(stats.lr()));
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
