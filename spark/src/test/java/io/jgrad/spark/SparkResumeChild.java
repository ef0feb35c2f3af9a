package io.jgrad.spark;

import io.jgrad.data.Dataset;
import io.jgrad.nn.Module;
import io.jgrad.nn.SafeTensors;
import io.jgrad.optim.Adam;
import io.jgrad.optim.StepLR;
import io.jgrad.train.EpochStats;
import io.jgrad.train.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The process {@link SparkKillAndResumeTest} kills: a SparkTrainer run in {@code local[2]} (two
 * workers, a model with BatchNorm and Dropout, Adam under StepLR, shuffled epochs, validation)
 * that checkpoints every 2 steps and resumes from the checkpoint when one exists. It prints when
 * training begins (with the temporary files it found then) and one line per epoch with the exact
 * bits of its numbers, and at the end writes the driver's final state dict to {@code final.safetensors}.
 *
 * <p>Usage: {@code SparkResumeChild <directory>}.
 */
public final class SparkResumeChild {
    static final int EPOCHS = 3;

    private SparkResumeChild() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Path ckpt = dir.resolve("run.ckpt");
        SparkTrainer trainer = SparkTrainer.builder().model(Fixtures.mlpWithBatchNormAndDropout())
                .optimizer(p -> Adam.builder(p).lr(1e-2).build()).scheduler(opt -> new StepLR(opt, 1, 0.7))
                .workers(Fixtures.WORKERS).batchSizePerWorker(Fixtures.BATCH).epochs(EPOCHS).seed(7)
                .progress(new Report(dir)).checkpoint(ckpt, 2).resumeFrom(Files.exists(ckpt) ? ckpt : null).build();
        JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("jgrad-resume-child")
                .set("spark.ui.enabled", "false"));
        try {
            Module model = trainer.fit(sc, Fixtures.data(20 * Fixtures.WORKERS * Fixtures.BATCH), Fixtures.data(96));
            SafeTensors.save(model.stateDict(), dir.resolve("final.safetensors"));
        } finally {
            sc.stop();
        }
        say("done");
    }

    /** Prints "began" at the first epoch start and every epoch's numbers as raw bits. */
    private static final class Report implements Progress {
        private final Path dir;
        private boolean began;

        Report(Path dir) {
            this.dir = dir;
        }

        @Override
        public void startEpoch(int epoch, int epochs, int batches) {
            if (!began) {
                began = true;
                say("began tmp=" + temporaries(dir));
            }
        }

        @Override
        public void batch(int done, long samples, double loss) {
        }

        @Override
        public void endEpoch(EpochStats s, int epochs) {
            say(String.format(Locale.ROOT, "epoch %d %s %s %s %s %s", s.epoch(), bits(s.trainLoss()), bits(s.trainAcc()),
                    bits(s.valLoss()), bits(s.valAcc()), bits(s.lr())));
        }
    }

    static long temporaries(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String bits(double v) {
        return Long.toHexString(Double.doubleToRawLongBits(v));
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
