package io.jgrad.bench;

import io.jgrad.data.Dataset;
import io.jgrad.data.FashionMnist;
import io.jgrad.data.SyntheticClassification;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

/**
 * The command line of the benchmark suite, mirroring {@code torch_bench.py}:
 * {@code --workload mlp|mlp-bn|overhead|mlp-steps|wide|distill|gemm|linear|memory|cnn|lenet|scaling|lm|lstm}, one
 * JSON line per result.
 * {@code --smoke} runs a workload for a handful of steps on a small synthetic data set (CI).
 *
 * <pre>{@code
 * ./bench/run.sh jgrad --workload mlp --epochs 5
 * }</pre>
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        String workload = null;
        boolean smoke = false;
        Path dataDir = FashionMnist.DEFAULT_DIR;
        String tag = "default";
        int run = 0;
        Workloads.Options o = new Workloads.Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--workload" -> workload = args[++i];
                case "--epochs" -> o.epochs = Integer.parseInt(args[++i]);
                case "--seed" -> o.seed = Long.parseLong(args[++i]);
                case "--steps" -> {
                    o.steps = Integer.parseInt(args[++i]);
                    o.memorySteps = o.steps;
                }
                case "--blocks" -> o.blocks = Integer.parseInt(args[++i]);
                case "--cnn-epochs" -> o.cnnEpochs = Integer.parseInt(args[++i]);
                case "--cnn-channels" -> o.cnnChannels = java.util.Arrays.stream(args[++i].split(","))
                        .mapToInt(Integer::parseInt).toArray();
                case "--teacher-epochs" -> o.teacherEpochs = Integer.parseInt(args[++i]);
                case "--teacher-dropout" -> o.teacherDropout = Double.parseDouble(args[++i]);
                case "--student-seeds" -> o.studentSeeds = args[++i];
                case "--kd-configs" -> o.kdConfigs = args[++i];
                case "--wide-steps" -> o.wideSteps = Integer.parseInt(args[++i]);
                case "--lenet-steps" -> o.lenetSteps = Integer.parseInt(args[++i]);
                case "--lm-steps" -> o.lmSteps = Integer.parseInt(args[++i]);
                case "--lstm-steps" -> o.lstmSteps = Integer.parseInt(args[++i]);
                case "--warmup-seconds" -> o.warmupSeconds = Double.parseDouble(args[++i]);
                case "--scoped" -> o.scoped = true;
                case "--every" -> o.memoryEvery = Integer.parseInt(args[++i]);
                case "--max-threads" -> o.maxThreads = Integer.parseInt(args[++i]);
                case "--sample-seconds" -> o.sampleSeconds = Double.parseDouble(args[++i]);
                case "--data" -> dataDir = Paths.get(args[++i]);
                case "--tag" -> tag = args[++i];
                case "--run" -> run = Integer.parseInt(args[++i]);
                case "--smoke" -> smoke = true;
                case "--help", "-h" -> {
                    usage();
                    return;
                }
                default -> throw new IllegalArgumentException("bench: unknown argument '" + a + "'; see --help");
            }
        }
        if (workload == null) {
            usage();
            throw new IllegalArgumentException("bench: --workload is required");
        }
        run(workload, smoke, dataDir, tag, run, o);
    }

    /** Runs one workload; with {@code smoke} on tiny synthetic data for a few steps. */
    static void run(String workload, boolean smoke, Path dataDir, String tag, int run, Workloads.Options o)
            throws Exception {
        Json base = Environment.describe().put("tag", tag).put("run", run).put("smoke", smoke);
        Probes probes = new Probes(base);
        switch (workload) {
            case "gemm" -> {
                probes.gemm(smoke ? new int[] {64} : new int[] {256, 512, 1024, 2048}, smoke ? 0.001 : 0.25);
                return;
            }
            case "linear" -> {
                probes.linear(smoke ? 16 : 1024, smoke ? 32 : 1024, smoke ? 0.001 : 0.25);
                return;
            }
            case "scaling" -> {
                new Scaling(base).run(smoke ? 2 : o.maxThreads, smoke ? 0.001 : o.sampleSeconds, smoke);
                return;
            }
            case "memory" -> {
                int steps = smoke ? 40 : o.memorySteps;
                new MemoryProbe(base).run(steps, smoke ? 20 : o.memoryEvery);
                return;
            }
            case "lm-memory" -> {
                new LmMemoryProbe(base).run(smoke ? 4 : o.memorySteps, smoke ? 2 : o.memoryEvery, o.seed);
                return;
            }
            default -> {
            }
        }
        long t0 = System.nanoTime();
        Dataset train;
        Dataset test;
        if (smoke) {
            Dataset all = SyntheticClassification.builder().samples(640).features(784).informative(20).classes(10)
                    .seed(o.seed).build();
            Dataset.Split split = all.split(0.8, o.seed);
            train = split.first();
            test = split.second();
            o.epochs = 1;
            o.steps = 20;
            o.wideSteps = 3;
            o.lenetSteps = 3;
            o.lmSteps = 2;
            o.lstmSteps = 2;
            o.blocks = 2;
            o.teacherEpochs = 1;
            o.studentSeeds = "42";
            o.kdConfigs = "0.9:4:1";
            o.warmupSteps = 2;
            o.warmupSeconds = 0;
        } else {
            FashionMnist fm = FashionMnist.load(dataDir);
            train = fm.train();
            test = fm.test();
        }
        base.put("data_load_seconds", Stats.round((System.nanoTime() - t0) / 1e9, 2));
        Workloads w = new Workloads(train, test, o, base);
        switch (workload) {
            case "mlp" -> w.mlp();
            case "mlp-bn" -> w.mlpBn();
            case "cnn" -> w.cnn();
            case "overhead" -> w.overhead();
            case "mlp-steps" -> w.mlpSteps();
            case "wide" -> w.wide();
            case "lenet" -> w.lenet();
            case "lm" -> new SequenceWorkloads(o, base).lm();
            case "lstm" -> new SequenceWorkloads(o, base).lstm();
            case "distill" -> w.distill();
            default -> throw new IllegalArgumentException("bench: unknown workload '" + workload + "', expected one of "
                    + Arrays.toString(WORKLOADS));
        }
    }

    static final String[] WORKLOADS = {"mlp", "mlp-bn", "overhead", "mlp-steps", "wide", "distill", "gemm", "linear",
        "memory", "cnn", "lenet", "scaling", "lm", "lstm", "lm-memory"};

    private static void usage() {
        System.out.println("""
                usage: bench --workload NAME [options]     (one JSON line per result on stdout)
                  --workload          one of mlp, mlp-bn, overhead, wide, distill, gemm, linear, memory, cnn,
                                      lenet, scaling (each kernel family's speed-up from 1 to N threads),
                                      mlp-steps (W1's model and batch in step blocks, as overhead),
                                      lm (W7), lstm (W8), lm-memory (the lm loop's resident memory)
                  --epochs N          mlp/mlp-bn epochs (default 5)
                  --cnn-epochs N      cnn (W6) epochs (default 1)
                  --cnn-channels A,B  cnn (W6) feature maps of the two conv blocks (default 32,64, the example's)
                  --steps N           overhead, mlp-steps: steps per timed block (default 2000);
                                      memory, lm-memory: loop steps (default 100000)
                  --every N           memory, lm-memory: report (after System.gc()) every N steps (default 10000)
                  --max-threads N     scaling: the largest thread count (default: the cores the JVM sees)
                  --sample-seconds S  scaling: seconds per timing sample, 5 samples a point (default 0.1)
                  --wide-steps N      wide (W5): steps per timed block (default 200)
                  --lenet-steps N     lenet: steps per timed block (default 100)
                  --lm-steps N        lm (W7): steps per timed block (default 10)
                  --lstm-steps N      lstm (W8): steps per timed block (default 20)
                  --blocks N          overhead, mlp-steps, wide, lenet: timed blocks (default 3)
                  --warmup-seconds S  steps before timing, at least 50 (default 5): W1, W2, W6 on a
                                      throw-away model, W3, W5 on the timed one; both sides alike
                  --scoped            run each step in a StepScope (as Trainer does), not the plain loop
                  --teacher-epochs N  distill (default 5); --teacher-dropout P (default 0.2)
                  --student-seeds S   distill: comma-separated seeds (default 42,43,44)
                  --kd-configs C      distill: alpha:T:epochs,... (default 0.9:4:5)
                  --seed N            (default 42); --data DIR (Fashion-MNIST IDX files)
                  --tag T, --run N    free-form labels copied into the output
                  --smoke             a few steps on small synthetic data (CI)""");
    }
}
