package io.jgrad.examples;

import io.jgrad.data.Dataset;
import io.jgrad.nn.Module;
import io.jgrad.spark.ModelFactory;
import io.jgrad.spark.SparkTrainer;
import io.jgrad.train.History;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code jgrad mlp --spark MASTER}: the same model, optimizer, schedule, epochs and global batch
 * as the single-process run, trained by {@link SparkTrainer} (the global batch split over the
 * workers). For {@code local-cluster[...]} the executors are started from this JVM's classpath.
 */
final class SparkMlp {
    /** What a run produced. */
    record Result(Module model, History history, int workers, double msPerStep) {
    }

    private SparkMlp() {
    }

    static Result train(SparkOptions s, TrainOptions o, ModelFactory factory, Dataset train, Dataset test,
                        float[] classWeights, int globalBatch) {
        checkJava(Runtime.version().feature());
        if (s.workers != null) {
            checkSplit(globalBatch, s.workers); // before paying for a Spark context
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf(s))) {
            int workers = s.workers != null ? s.workers : sc.defaultParallelism();
            checkSplit(globalBatch, workers);
            TrainOptions.SchedulerName schedule = o.scheduler(TrainOptions.SchedulerName.cosine);
            SparkTrainer trainer = SparkTrainer.builder().model(factory)
                    .optimizer(p -> Optimizers.create(o, p))
                    .scheduler(opt -> Schedules.perEpoch(o, schedule, opt))
                    .workers(workers).batchSizePerWorker(globalBatch / workers).epochs(o.epochs).seed(o.seed)
                    .classWeights(classWeights).build();
            Module model = trainer.fit(sc, train, test);
            return new Result(model, trainer.history(), workers, trainer.meanStepMillis());
        }
    }

    /**
     * Spark 3.5's Hadoop login calls {@code Subject.getSubject}, which Java 23 and later refuse: say so
     * before Spark fails deep inside its context.
     */
    static void checkJava(int feature) {
        if (feature >= 23) {
            throw new IllegalArgumentException("--spark: Spark 3.5 runs on Java 17 to 22, and this JVM is Java "
                    + feature + " (Hadoop's login calls Subject.getSubject, which Java 23 and later refuse); "
                    + "set JAVA_HOME to a Java 17 or 21 for --spark");
        }
    }

    private static void checkSplit(int globalBatch, int workers) {
        if (workers <= 0 || globalBatch % workers != 0) {
            throw new IllegalArgumentException("--spark: the global batch " + globalBatch + " must split evenly "
                    + "over " + workers + " workers; choose --batch-size or --workers to fit");
        }
    }

    private static SparkConf conf(SparkOptions s) {
        SparkConf conf = new SparkConf().setMaster(s.master).setAppName("jgrad mlp")
                .set("spark.executorEnv.OMP_NUM_THREADS", System.getenv().getOrDefault("OMP_NUM_THREADS", "1"))
                .set("spark.executorEnv.OMP_WAIT_POLICY", System.getenv().getOrDefault("OMP_WAIT_POLICY", "PASSIVE"));
        if (s.master.startsWith("local")) {
            conf.set("spark.ui.enabled", "false");
        }
        if (s.master.startsWith("local-cluster")) {
            // the standalone workers want a Spark home even though executors take nothing from it
            if (System.getProperty("spark.test.home") == null) {
                System.setProperty("spark.test.home", System.getProperty("java.io.tmpdir"));
            }
            // executors start in their own work directory: relative entries would point nowhere
            conf.set("spark.executor.extraClassPath", Arrays.stream(System.getProperty("java.class.path")
                    .split(File.pathSeparator)).map(e -> Path.of(e).toAbsolutePath().toString())
                    .collect(Collectors.joining(File.pathSeparator)));
        }
        for (Map.Entry<String, String> e : s.conf.entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        return conf;
    }
}
