package io.jgrad.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports training progress within and after each epoch. {@link #auto()} draws a progress bar
 * when a terminal is attached and writes log lines otherwise (CI logs, files, a pipe): one per
 * epoch, plus one per 10 seconds of a long epoch.
 */
public interface Progress {
    /** An epoch of {@code batches} batches begins. */
    void startEpoch(int epoch, int epochs, int batches);

    /** {@code done} batches ({@code samples} examples) are finished; {@code loss} is the running mean. */
    void batch(int done, long samples, double loss);

    /**
     * Whether the report of batch {@code done} will show the running loss, asked just before
     * {@link #batch}. On the {@code nd4j} backend the trainer reads the epoch's sums from the
     * device only then (and at the epoch's end); in between {@link #batch} gets the running loss
     * of the last read. The default, true, costs such a reporter one read per batch; the built-in
     * reporters answer true every 10 s (log lines) or every 0.5 s (the bar).
     */
    default boolean due(int done) {
        return true;
    }

    /** The epoch is finished (and validated). */
    void endEpoch(EpochStats stats, int epochs);

    /** A bar on stderr when {@code System.console() != null}, else log lines. */
    static Progress auto() {
        return System.console() != null ? bar(System.err) : log();
    }

    /** A progress bar redrawn in place with {@code \r} at most ~10 times a second. */
    static Progress bar(PrintStream out) {
        return new ProgressBar(out);
    }

    /** A summary line per epoch, and a progress line per 10 s of a long epoch (none for a short one). */
    static Progress log() {
        return new ProgressLog(true, true);
    }

    /** One summary line per epoch, at INFO level (like Keras' {@code verbose=2}): for long runs of short epochs. */
    static Progress epochs() {
        return new ProgressLog(false, true);
    }

    /** Only the per-epoch summary, at DEBUG level (for nested runs such as the distillation example). */
    static Progress none() {
        return new ProgressLog(false, false);
    }

    /** The one-line epoch summary shared by every reporter. */
    static String summary(EpochStats s, int epochs) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d  train_loss %.4f", s.epoch(), epochs,
                s.trainLoss()));
        if (!Double.isNaN(s.trainAcc())) {
            sb.append(String.format(Locale.ROOT, "  train_acc %.2f%%", 100 * s.trainAcc()));
        }
        if (!Double.isNaN(s.valLoss())) {
            sb.append(String.format(Locale.ROOT, "  val_loss %.4f", s.valLoss()));
        }
        if (!Double.isNaN(s.valAcc())) {
            sb.append(String.format(Locale.ROOT, "  val_acc %.2f%%", 100 * s.valAcc()));
        }
        return sb.append(String.format(Locale.ROOT, "  lr %.3g  %.3f s", s.lr(), s.seconds())).toString();
    }

    /**
     * Log lines through slf4j: a summary per epoch and, with {@code perBatch}, a progress line
     * each time another {@link #INTERVAL_NANOS 10 s} of the epoch have passed (a pipe or a CI log
     * gets no flood of lines from short epochs).
     */
    final class ProgressLog implements Progress {
        /** The time between two progress lines within an epoch. */
        static final long INTERVAL_NANOS = 10_000_000_000L;
        private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
        private final boolean perBatch;
        private final boolean verbose;
        private final LongSupplier clock;
        private final Consumer<String> info;
        private int epoch;
        private int epochs;
        private int batches;
        private long start;
        private long nextReport;

        ProgressLog(boolean perBatch, boolean verbose) {
            this(perBatch, verbose, System::nanoTime, LOG::info);
        }

        /** With a clock and a sink for INFO lines (tests). */
        ProgressLog(boolean perBatch, boolean verbose, LongSupplier clock, Consumer<String> info) {
            this.perBatch = perBatch;
            this.verbose = verbose;
            this.clock = clock;
            this.info = info;
        }

        @Override
        public void startEpoch(int epoch, int epochs, int batches) {
            this.epoch = epoch;
            this.epochs = epochs;
            this.batches = batches;
            this.start = clock.getAsLong();
            this.nextReport = start + INTERVAL_NANOS;
        }

        @Override
        public boolean due(int done) {
            return perBatch && done < batches && clock.getAsLong() - nextReport >= 0;
        }

        @Override
        public void batch(int done, long samples, double loss) {
            if (!perBatch || done >= batches) {
                return;
            }
            long now = clock.getAsLong();
            if (now - nextReport < 0) {
                return;
            }
            nextReport = now + INTERVAL_NANOS;
            double seconds = (now - start) / 1e9;
            info.accept(String.format(Locale.ROOT, "epoch %d/%d  %3d%%  batch %d/%d  loss %.4f  %.0f samples/s  %.3f s", epoch,
                    epochs, done * 100L / batches, done, batches, loss, samples / Math.max(seconds, 1e-9), seconds));
        }

        @Override
        public void endEpoch(EpochStats stats, int epochs) {
            if (verbose) {
                info.accept(summary(stats, epochs));
            } else {
                LOG.debug(summary(stats, epochs));
            }
        }
    }

    /** A terminal progress bar. */
    final class ProgressBar implements Progress {
        private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
        private static final long REDRAW_NANOS = 100_000_000L;
        /** How often the bar asks for a fresh running loss (a read from the device on {@code nd4j}). */
        private static final long LOSS_NANOS = 500_000_000L;
        private static final int WIDTH = 30;
        private final PrintStream out;
        private int epoch;
        private int epochs;
        private int batches;
        private long start;
        private long lastDraw;
        private long lastLoss;
        private int lastLength;

        ProgressBar(PrintStream out) {
            this.out = out;
        }

        @Override
        public void startEpoch(int epoch, int epochs, int batches) {
            this.epoch = epoch;
            this.epochs = epochs;
            this.batches = batches;
            this.start = System.nanoTime();
            this.lastDraw = 0;
            this.lastLoss = start - LOSS_NANOS;
        }

        @Override
        public boolean due(int done) {
            long now = System.nanoTime();
            if (done < batches && now - lastLoss < LOSS_NANOS) {
                return false;
            }
            lastLoss = now;
            return true;
        }

        @Override
        public void batch(int done, long samples, double loss) {
            long now = System.nanoTime();
            if (done < batches && now - lastDraw < REDRAW_NANOS) {
                return;
            }
            lastDraw = now;
            double seconds = (now - start) / 1e9;
            int filled = batches == 0 ? WIDTH : (int) ((long) WIDTH * done / batches);
            double eta = done == 0 ? 0 : seconds * (batches - done) / done;
            String line = String.format(Locale.ROOT, "epoch %d/%d [%s%s] %d/%d  loss %.4f  %.0f samples/s  ETA %s", epoch,
                    epochs, "=".repeat(filled), " ".repeat(WIDTH - filled), done, batches, loss,
                    samples / Math.max(seconds, 1e-9), clock(eta));
            draw(line);
        }

        @Override
        public void endEpoch(EpochStats stats, int epochs) {
            draw("");
            out.print('\r');
            out.flush();
            LOG.info(summary(stats, epochs));
        }

        private void draw(String line) {
            int pad = Math.max(0, lastLength - line.length());
            out.print("\r" + line + " ".repeat(pad));
            out.flush();
            lastLength = line.length();
        }

        private static String clock(double seconds) {
            long s = Math.round(seconds);
            return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
    }
}
