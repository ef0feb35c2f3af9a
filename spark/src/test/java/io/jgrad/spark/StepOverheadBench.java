package io.jgrad.spark;

import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.data.Dataset;
import io.jgrad.data.SyntheticClassification;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Losses;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Rng;
import io.jgrad.train.Progress;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Measures the Spark path's cost per step against one process, for the README (not a test):
 * {@code java -cp <test classpath> io.jgrad.spark.StepOverheadBench MASTER [hidden] [steps]}.
 * W1-sized model 784→hidden→ReLU→10, Adam, global batch 128 over 2 workers; the first epoch warms
 * up (JIT, ND4J, executors) and is not timed.
 */
public final class StepOverheadBench {
    private StepOverheadBench() {
    }

    public static void main(String[] args) {
        String master = args.length > 0 ? args[0] : "local[2]";
        int hidden = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int workers = 2;
        int global = 128;
        Dataset data = SyntheticClassification.builder().samples(steps * global).features(784).informative(32)
                .classes(10).seed(1).build();
        ModelFactory w1 = new W1(hidden);

        double single = singleProcess(w1, data, global, steps);
        SparkTrainer t = SparkTrainer.builder().model(w1).optimizer(p -> Adam.builder(p).lr(1e-3).build())
                .workers(workers).batchSizePerWorker(global / workers).epochs(2).seed(1).progress(Progress.none())
                .build();
        t.fitSequential(data, null);
        double simulated = secondEpochMillis(t, steps);
        SparkConf conf = new SparkConf().setMaster(master).setAppName("jgrad-step-overhead")
                .set("spark.ui.enabled", "false").set("spark.executorEnv.OMP_NUM_THREADS", "1")
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        double spark;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            t.fit(sc, data);
            spark = secondEpochMillis(t, steps);
        }
        System.out.printf(Locale.ROOT, "%s, 784-%d-10 (%d params), global batch %d = %d x %d, %d steps/epoch:%n"
                        + "  one process  %.2f ms/step%n  simulator    %.2f ms/step (second epoch)%n"
                        + "  spark        %.2f ms/step (second epoch)%n",
                master, hidden, 784 * hidden + hidden + hidden * 10 + 10, global, workers, global / workers, steps,
                single, simulated, spark);
    }

    /** 784→hidden→ReLU→10, as a named class (plain Java serialization into the executors). */
    private record W1(int hidden) implements ModelFactory {
        @Override
        public Module get() {
            return new Sequential(new Linear(784, hidden), new ReLU(), new Linear(hidden, 10));
        }
    }

    private static double secondEpochMillis(SparkTrainer t, int steps) {
        return t.history().epochs().get(1).seconds() * 1e3 / steps;
    }

    /** Mean ms per plain-loop step at the global batch, after one warm-up epoch. */
    private static double singleProcess(ModelFactory f, Dataset data, int batch, int steps) {
        Rng.manualSeed(1);
        Module m = f.get();
        Optimizer opt = Adam.builder(m.parameters()).lr(1e-3).build();
        DataLoader loader = DataLoader.builder(data).batchSize(batch).build();
        long t0 = 0;
        for (int epoch = 0; epoch < 2; epoch++) {
            if (epoch == 1) {
                t0 = System.nanoTime();
            }
            for (Batch b : loader) {
                opt.zeroGrad();
                Losses.crossEntropy(m.forward(Variable.constant(b.features())), b.labels()).backward();
                opt.step();
            }
        }
        return (System.nanoTime() - t0) / 1e6 / steps;
    }
}
