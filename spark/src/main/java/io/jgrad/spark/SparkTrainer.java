package io.jgrad.spark;

import io.jgrad.data.Dataset;
import io.jgrad.nn.Module;
import io.jgrad.nn.Parameter;
import io.jgrad.optim.LRScheduler;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Rng;
import io.jgrad.train.History;
import io.jgrad.train.Progress;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Synchronous data-parallel training on Apache Spark, exact against one process: N workers at
 * batch B train as one process at batch N·B (up to float summation order).
 *
 * <p>Each step is one Spark job. The driver broadcasts the weights; every partition's replica
 * computes the gradient sum, loss sum and example count of its block of the global batch; the
 * driver adds them in partition order ({@code collect}), divides by the global count (with class
 * weights: the global sum of the weights, as PyTorch's weighted mean) and runs the ordinary jgrad
 * optimizer, clipping and scheduler. This is Spark MLlib's own SGD pattern; parameter averaging
 * (DL4J) is not equivalent to large-batch training, and Spark's barrier {@code allGather} polls
 * once a second, too slow for a gradient per step.
 *
 * <p>Training rows are dealt to the workers in blocks of B (see {@link Deal}) and stay cached in
 * the partitions as plain arrays. Dropout masks are seeded per (step, partition). BatchNorm uses
 * each worker's own batch statistics, as PyTorch's DistributedDataParallel does without
 * SyncBatchNorm, and the running statistics are worker 0's, as DDP broadcasts rank 0's buffers.
 *
 * <pre>{@code
 * SparkTrainer t = SparkTrainer.builder()
 *         .model(() -> new Sequential(new Linear(784, 32), new ReLU(), new Linear(32, 10)))
 *         .optimizer(params -> Adam.builder(params).lr(1e-3).build())
 *         .workers(4).batchSizePerWorker(32).epochs(5).seed(42).build();
 * Module trained = t.fit(sc, train);
 * }</pre>
 */
public final class SparkTrainer {
    private final ModelFactory factory;
    private final Function<List<Parameter>, Optimizer> optimizerFactory;
    private final Function<Optimizer, LRScheduler> schedulerFactory;
    private final int workers;
    private final int batchSizePerWorker;
    private final int epochs;
    private final boolean shuffle;
    private final long seed;
    private final float[] classWeights;
    private final double clipGradNorm;
    private final Progress progress;
    private final Path checkpointFile;
    private final int checkpointEvery;
    private final Path resumeFrom;
    private History history;
    private double meanStepMillis = Double.NaN;

    private SparkTrainer(Builder b) {
        this.factory = b.factory;
        this.optimizerFactory = b.optimizerFactory;
        this.schedulerFactory = b.schedulerFactory;
        this.workers = b.workers;
        this.batchSizePerWorker = b.batchSizePerWorker;
        this.epochs = b.epochs;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.classWeights = b.classWeights == null ? null : b.classWeights.clone();
        this.clipGradNorm = b.clipGradNorm;
        this.progress = b.progress;
        this.checkpointFile = b.checkpointFile;
        this.checkpointEvery = b.checkpointEvery;
        this.resumeFrom = b.resumeFrom;
    }

    /** A builder; {@code model} and {@code optimizer} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Trains on {@code train} with {@code sc}'s executors and returns the trained model (on the driver). */
    public Module fit(JavaSparkContext sc, Dataset train) {
        return fit(sc, train, null);
    }

    /** As {@link #fit(JavaSparkContext, Dataset)}, evaluating on {@code validation} (on the driver) after every epoch. */
    public Module fit(JavaSparkContext sc, Dataset train, Dataset validation) {
        if (sc == null) {
            throw new IllegalArgumentException("SparkTrainer.fit: sc is null");
        }
        int n = workers > 0 ? workers : sc.defaultParallelism();
        Deal.Rows rows = rows(train, n);
        try (StepRunner runner = new SparkStepRunner(sc, rows, n, batchSizePerWorker, shuffle, seed, factory)) {
            return train(runner, train.size(), validation);
        }
    }

    /**
     * The shard simulator: the same training with the workers' code run one after another in this
     * JVM (no Spark). {@code workers} must be set. Useful to check a configuration, and the
     * reference the Spark runs are tested against.
     */
    public Module fitSequential(Dataset train, Dataset validation) {
        if (workers <= 0) {
            throw new IllegalStateException("SparkTrainer.fitSequential: set workers(n); there is no Spark context "
                    + "to take the default from");
        }
        Deal.Rows rows = rows(train, workers);
        try (StepRunner runner = new SequentialStepRunner(rows, workers, batchSizePerWorker, shuffle, seed, factory)) {
            return train(runner, train.size(), validation);
        }
    }

    /** The History (one line per epoch, CSV and PNG writers) of the last fit, or null before one. */
    public History history() {
        return history;
    }

    /** Mean wall time per step of the last fit, in milliseconds (broadcast, workers, merge and optimizer). */
    public double meanStepMillis() {
        return meanStepMillis;
    }

    private Deal.Rows rows(Dataset train, int n) {
        if (train == null) {
            throw new IllegalArgumentException("SparkTrainer.fit: train is null");
        }
        if (classWeights != null && classWeights.length != train.numClasses()) {
            throw new IllegalArgumentException("SparkTrainer.fit: classWeights has " + classWeights.length
                    + " entries but the data has " + train.numClasses() + " classes");
        }
        Deal.stepsPerEpoch(train.size(), n, batchSizePerWorker);
        return Deal.Rows.of(train);
    }

    private Module train(StepRunner runner, int trainRows, Dataset validation) {
        Rng.manualSeed(seed);
        Module model = factory.get();
        if (model == null) {
            throw new IllegalStateException("SparkTrainer: the ModelFactory returned null");
        }
        DriverLoop loop = new DriverLoop(this, model);
        history = loop.run(runner, trainRows, validation);
        meanStepMillis = loop.meanStepMillis();
        return model;
    }

    ModelFactory factory() {
        return factory;
    }

    Function<List<Parameter>, Optimizer> optimizerFactory() {
        return optimizerFactory;
    }

    Function<Optimizer, LRScheduler> schedulerFactory() {
        return schedulerFactory;
    }

    int batchSizePerWorker() {
        return batchSizePerWorker;
    }

    int epochs() {
        return epochs;
    }

    boolean shuffle() {
        return shuffle;
    }

    long seed() {
        return seed;
    }

    float[] classWeights() {
        return classWeights;
    }

    double clipGradNorm() {
        return clipGradNorm;
    }

    Progress progress() {
        return progress;
    }

    Path checkpointFile() {
        return checkpointFile;
    }

    int checkpointEvery() {
        return checkpointEvery;
    }

    Path resumeFrom() {
        return resumeFrom;
    }

    /** Options of a {@link SparkTrainer}, snapshotted by {@link #build()}. */
    public static final class Builder {
        private ModelFactory factory;
        private Function<List<Parameter>, Optimizer> optimizerFactory;
        private Function<Optimizer, LRScheduler> schedulerFactory;
        private int workers;
        private int batchSizePerWorker = 32;
        private int epochs = 10;
        private boolean shuffle = true;
        private long seed;
        private float[] classWeights;
        private double clipGradNorm;
        private Progress progress;
        private Path checkpointFile;
        private int checkpointEvery;
        private Path resumeFrom;

        private Builder() {
        }

        /** Builds the model: once on the driver (initial weights, after seeding the global generator with {@link #seed}) and on executors for replicas. */
        public Builder model(ModelFactory factory) {
            if (factory == null) {
                throw new IllegalArgumentException("SparkTrainer.model: factory is null");
            }
            this.factory = factory;
            return this;
        }

        /** Builds the optimizer over the driver model's parameters; it runs on the driver only. */
        public Builder optimizer(Function<List<Parameter>, Optimizer> optimizer) {
            if (optimizer == null) {
                throw new IllegalArgumentException("SparkTrainer.optimizer: function is null");
            }
            this.optimizerFactory = optimizer;
            return this;
        }

        /** An optional learning-rate schedule over that optimizer, stepped once per epoch on the driver. */
        public Builder scheduler(Function<Optimizer, LRScheduler> scheduler) {
            this.schedulerFactory = scheduler;
            return this;
        }

        /** Number of workers N, one Spark partition each (default: {@code sc.defaultParallelism()}). */
        public Builder workers(int workers) {
            if (workers <= 0) {
                throw new IllegalArgumentException("SparkTrainer.workers: must be positive, got " + workers);
            }
            this.workers = workers;
            return this;
        }

        /** Rows per worker per step B (default 32); the global batch is N·B. */
        public Builder batchSizePerWorker(int batchSize) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("SparkTrainer.batchSizePerWorker: must be positive, got " + batchSize);
            }
            this.batchSizePerWorker = batchSize;
            return this;
        }

        /** Passes over the training data (default 10). */
        public Builder epochs(int epochs) {
            if (epochs <= 0) {
                throw new IllegalArgumentException("SparkTrainer.epochs: must be positive, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /** Reshuffle every epoch (default true); without it step s takes rows {@code [s·N·B, (s+1)·N·B)}. */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Seed of initialisation, the deal, shuffling and dropout (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Cross-entropy class weights (PyTorch's {@code weight=}); the mean divides by the global batch's weight sum. */
        public Builder classWeights(float[] classWeights) {
            if (classWeights != null) {
                for (int i = 0; i < classWeights.length; i++) {
                    if (!(classWeights[i] >= 0) || Float.isInfinite(classWeights[i])) {
                        throw new IllegalArgumentException("SparkTrainer.classWeights: weight " + i + " is "
                                + classWeights[i] + "; weights must be finite and >= 0");
                    }
                }
            }
            this.classWeights = classWeights == null ? null : classWeights.clone();
            return this;
        }

        /** Clips the averaged gradient's L2 norm to {@code maxNorm} on the driver before each step (0, the default, disables). */
        public Builder clipGradNorm(double maxNorm) {
            if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
                throw new IllegalArgumentException("SparkTrainer.clipGradNorm: must be finite and >= 0, got " + maxNorm);
            }
            this.clipGradNorm = maxNorm;
            return this;
        }

        /** How progress is reported (default {@link Progress#auto()}: a bar on a terminal, log lines otherwise). */
        public Builder progress(Progress progress) {
            this.progress = progress;
            return this;
        }

        /**
         * The driver saves a {@link io.jgrad.train.TrainingCheckpoint} to {@code file} (a path on
         * the driver's file system) after every {@code everySteps} steps and at the end of every
         * epoch (after its scheduler step); {@code everySteps} 0 saves at epoch ends only. It holds
         * the driver's model (weights and worker 0's buffers), the optimizer, the scheduler, the
         * step and the running sums of the epoch in progress; the workers keep no state between
         * steps (their shuffles and Dropout masks are functions of the seed and the step). Each save
         * is atomic and deletes the temporary files of killed earlier saves, as does the start of
         * a run. {@code file} null disables checkpointing (default).
         */
        public Builder checkpoint(Path file, int everySteps) {
            if (everySteps < 0) {
                throw new IllegalArgumentException("SparkTrainer.checkpoint: everySteps must be >= 0 (0 = at epoch ends "
                        + "only), got " + everySteps);
            }
            this.checkpointFile = file;
            this.checkpointEvery = everySteps;
            return this;
        }

        /**
         * Before training, restores the driver's model, optimizer, scheduler and the epoch's sums
         * from the checkpoint {@code file} (it must exist) and continues from its step, so a run with
         * the same options, data and number of workers ends bit for bit where the uninterrupted one
         * would have. The {@link #history()} then holds only the resumed epochs. Null (default)
         * starts from scratch.
         */
        public Builder resumeFrom(Path file) {
            this.resumeFrom = file;
            return this;
        }

        /** A trainer with a snapshot of these options (later builder calls do not change it). */
        public SparkTrainer build() {
            if (factory == null) {
                throw new IllegalStateException("SparkTrainer.build: model(ModelFactory) is required");
            }
            if (optimizerFactory == null) {
                throw new IllegalStateException("SparkTrainer.build: optimizer(Function) is required");
            }
            return new SparkTrainer(this);
        }
    }
}
