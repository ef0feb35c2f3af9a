package io.jgrad.bench;

import io.jgrad.autograd.NoGrad;
import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.data.Dataset;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.BatchNorm2d;
import io.jgrad.nn.Conv2d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Flatten;
import io.jgrad.nn.Linear;
import io.jgrad.nn.MaxPool2d;
import io.jgrad.nn.Unflatten;
import io.jgrad.nn.Losses;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.LRScheduler;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.SGD;
import io.jgrad.optim.StepLR;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.StepScope;
import io.jgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The reference workloads W1-W6 of {@code torch_bench.py}, written the same way: the same
 * models, optimizers and batch sizes, batches gathered with a per-epoch permutation inside the
 * timed region (the last partial batch kept), a warm-up of {@code --warmup-seconds} (at least 50
 * steps) first, so both sides are timed at their steady state (a JVM compiles its hot code while
 * it runs; the first epoch's time is reported beside it), each step the plain user loop (or, with {@code --scoped}, inside a {@link StepScope}).
 */
final class Workloads {
    private final Dataset train;
    private final Dataset test;
    private final Options o;
    private final Json base;

    /** The knobs of torch_bench.py's command line, with its defaults. */
    static final class Options {
        int epochs = 5;
        long seed = 42;
        int steps = 2000;
        int blocks = 3;
        int teacherEpochs = 5;
        double teacherDropout = 0.2;
        String studentSeeds = "42,43,44";
        String kdConfigs = "0.9:4:5";
        int warmupSteps = 50;
        double warmupSeconds = 5;
        int memorySteps = 100_000;
        int memoryEvery = 10_000;
        int wideSteps = 200;
        int lenetSteps = 100;
        int lmSteps = 10;
        int lstmSteps = 20;
        /** Wrap each step in a {@link StepScope} (what Trainer does) instead of the plain user loop. */
        boolean scoped;
        int cnnEpochs = 1;
        int[] cnnChannels = {32, 64};
        int maxThreads = Runtime.getRuntime().availableProcessors();
        double sampleSeconds = 0.1;
    }

    Workloads(Dataset train, Dataset test, Options o, Json base) {
        this.train = train;
        this.test = test;
        this.o = o;
        this.base = base;
    }

    // ---------------------------------------------------------------- models

    static Module mlpModel() {
        return new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10));
    }

    static Module mlpBnModel() {
        return new Sequential(new Linear(784, 512), new BatchNorm1d(512), new ReLU(),
                new Linear(512, 256), new BatchNorm1d(256), new ReLU(), new Linear(256, 10));
    }

    static Module tinyModel() {
        return new Sequential(new Linear(784, 64), new ReLU(), new Linear(64, 10));
    }

    /** W5: 784→1200→ReLU→1200→ReLU→10, GEMM-bound. */
    static Module wideModel() {
        return new Sequential(new Linear(784, 1200), new ReLU(), new Linear(1200, 1200), new ReLU(), new Linear(1200, 10));
    }

    /**
     * W6: the model of {@code ./jgrad cnn}, two Conv-BN-ReLU-MaxPool blocks of {@code c1} and {@code c2}
     * maps (the example's default 32 and 64), then an MLP head.
     */
    static Module cnnModel(int c1, int c2) {
        return new Sequential(new Unflatten(1, 1, 28, 28),
                new Conv2d(1, c1, 3, 1, 1), new BatchNorm2d(c1), new ReLU(), new MaxPool2d(2),
                new Conv2d(c1, c2, 3, 1, 1), new BatchNorm2d(c2), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(c2 * 7 * 7, 128), new ReLU(), new Dropout(0.3), new Linear(128, 10));
    }

    /** LeNet-style: 5×5 kernels, 16/32 maps, no BatchNorm (batch 64, Adam): convolution-bound. */
    static Module lenetModel() {
        return new Sequential(new Unflatten(1, 1, 28, 28),
                new Conv2d(1, 16, 5), new ReLU(), new MaxPool2d(2),
                new Conv2d(16, 32, 5), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(32 * 4 * 4, 128), new ReLU(), new Linear(128, 10));
    }

    static Module teacher(double dropout) {
        List<Module> layers = new ArrayList<>(List.of(new Linear(784, 1200), new ReLU()));
        if (dropout > 0) {
            layers.add(new Dropout(dropout));
        }
        layers.addAll(List.of(new Linear(1200, 1200), new ReLU()));
        if (dropout > 0) {
            layers.add(new Dropout(dropout));
        }
        layers.add(new Linear(1200, 10));
        return new Sequential(layers.toArray(new Module[0]));
    }

    static Module student() {
        return new Sequential(new Linear(784, 32), new ReLU(), new Linear(32, 10));
    }

    static Optimizer adam(Module m) {
        return Adam.builder(m.parameters()).lr(1e-3).betas(0.9, 0.999).eps(1e-8).build();
    }

    static Optimizer sgdMomentum(Module m) {
        return SGD.builder(m.parameters()).lr(0.05).momentum(0.9).weightDecay(5e-4).build();
    }

    // ---------------------------------------------------------------- one step, one epoch

    /** The loss of one batch; {@code extra} is e.g. the teacher's logits for the batch. */
    interface LossFn {
        Variable loss(Variable out, Batch b);
    }

    static final LossFn CROSS_ENTROPY = (out, b) -> Losses.crossEntropy(out, b.labels());

    /**
     * One optimizer step on one batch, the plain user loop: zero the gradients, forward, loss,
     * backward, update. With {@code scoped}, inside a {@link StepScope} (as {@code Trainer} runs
     * it), so the step's activations are freed as it ends. Returns the loss.
     */
    static double step(Module model, Optimizer opt, Iterator<Batch> batches, LossFn lossFn, boolean scoped) {
        if (scoped) {
            try (StepScope s = StepScope.open()) {
                return step(model, opt, batches, lossFn, false);    // the batch is gathered inside: freed with the step
            }
        }
        Batch b = batches.next();
        opt.zeroGrad();
        Variable loss = lossFn.loss(model.forward(Variable.constant(b.features())), b);
        loss.backward();
        opt.step();
        return loss.item();
    }

    /** One shuffled epoch; returns the last batch's loss. */
    static double epoch(Module model, Optimizer opt, DataLoader loader, LossFn lossFn, boolean scoped) {
        model.train();
        double last = Double.NaN;
        for (Iterator<Batch> it = loader.iterator(); it.hasNext(); ) {
            last = step(model, opt, it, lossFn, scoped);
        }
        return last;
    }

    static double accuracy(Module model, Dataset data) {
        model.eval();
        int correct = 0;
        int n = data.size();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        try (NoGrad g = Variable.noGrad()) {
            for (int i = 0; i < n; i += 1000) {
                Batch b = data.gather(all, i, Math.min(i + 1000, n));
                INDArray pred = model.forward(Variable.constant(b.features())).value().array().argMax(1);
                int[] y = b.labels();
                for (int r = 0; r < y.length; r++) {
                    correct += pred.getInt(r) == y[r] ? 1 : 0;
                }
            }
        }
        model.train();
        return (double) correct / n;
    }

    private DataLoader loader(Dataset d, int batch, long seed) {
        return DataLoader.builder(d).batchSize(batch).shuffle(true).seed(seed).build();
    }

    /** Steps on a throw-away model, as torch_bench.py's warmup(): JIT and native warm-up. */
    private void warmup(Supplier<Module> makeModel, Function<Module, Optimizer> makeOpt, int batch) {
        Rng.manualSeed(12345);
        Module m = makeModel.get();
        Optimizer opt = makeOpt.apply(m);
        DataLoader loader = loader(train, batch, 12345);
        Iterator<Batch> it = loader.iterator();
        long t0 = System.nanoTime();
        for (int s = 0; s < o.warmupSteps || (System.nanoTime() - t0) / 1e9 < o.warmupSeconds; s++) {
            if (!it.hasNext()) {
                it = loader.iterator();
            }
            step(m, opt, it, CROSS_ENTROPY, o.scoped);
        }
    }

    // ---------------------------------------------------------------- W1, W2

    private void classifier(String name, Supplier<Module> makeModel, Function<Module, Optimizer> makeOpt,
                            Function<Optimizer, LRScheduler> makeSched) {
        classifier(name, makeModel, makeOpt, makeSched, o.epochs);
    }

    private void classifier(String name, Supplier<Module> makeModel, Function<Module, Optimizer> makeOpt,
                            Function<Optimizer, LRScheduler> makeSched, int epochs) {
        int bs = 128;
        double firstStep = Stats.sinceJvmStart();
        warmup(makeModel, makeOpt, bs);
        Rng.manualSeed(o.seed);
        Module model = makeModel.get();
        Optimizer opt = makeOpt.apply(model);
        LRScheduler sched = makeSched == null ? null : makeSched.apply(opt);
        DataLoader loader = loader(train, bs, o.seed);
        double[] times = new double[epochs];
        double[] cpu = new double[epochs];
        double[] mainCpu = new double[epochs];
        double[] jitCpu = new double[epochs];
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        List<Double> lrs = new ArrayList<>();
        double lastLoss = Double.NaN;
        for (int ep = 0; ep < epochs; ep++) {
            lrs.add(opt.lr());
            long t0 = System.nanoTime();
            long c0 = Stats.processCpuNanos();
            long m0 = mx.getCurrentThreadCpuTime();
            long j0 = Stats.jitCpuNanos();
            lastLoss = epoch(model, opt, loader, CROSS_ENTROPY, o.scoped);
            times[ep] = (System.nanoTime() - t0) / 1e9;
            cpu[ep] = (Stats.processCpuNanos() - c0) / 1e9;
            mainCpu[ep] = (mx.getCurrentThreadCpuTime() - m0) / 1e9;
            jitCpu[ep] = Stats.jitCpuSecondsSince(j0);
            if (sched != null) {
                sched.step();
            }
        }
        double acc = accuracy(model, test);
        new Json().putAll(base).put("workload", name).put("seed", o.seed).put("epochs", epochs).put("batch", bs)
                .put("epoch_seconds", Stats.round(times, 4))
                .put("epoch_seconds_median", Stats.round(Stats.median(times), 4))
                .put("epoch_seconds_first", Stats.round(times[0], 4))
                .put("main_thread_cpu_seconds_per_epoch", Stats.round(mainCpu, 3))
                .put("epoch_process_cpu_seconds", Stats.round(cpu, 4))
                .put("epoch_jit_cpu_seconds", Stats.round(jitCpu, 2))
                .put("lr_per_epoch", lrs)
                .put("last_batch_loss", Stats.round(lastLoss, 5))
                .put("test_accuracy", acc)
                .put("startup_to_first_step_seconds", Stats.round(firstStep, 3))
                .put("peak_rss_mib", Stats.peakRssMib()).emit();
    }

    void mlp() {
        classifier("mlp", Workloads::mlpModel, Workloads::adam, null);
    }

    void mlpBn() {
        classifier("mlp-bn", Workloads::mlpBnModel, Workloads::sgdMomentum, opt -> new StepLR(opt, 2, 0.5));
    }

    /** W6: the example's CNN, Adam 1e-3, batch 128, {@code cnnEpochs} (default 1) epochs of the plain loop. */
    void cnn() {
        int[] c = o.cnnChannels;
        base.put("cnn_channels", List.of(c[0], c[1]));            // one workload per process
        classifier("cnn", () -> cnnModel(c[0], c[1]), Workloads::adam, null, o.cnnEpochs);
    }

    // ---------------------------------------------------------------- W3, W5

    /** W3: per-step overhead, steps/s of a tiny model at batch 32 over blocks of {@code steps} steps. */
    void overhead() {
        stepsPerSecond("overhead", Workloads::tinyModel, 32, o.steps);
    }

    /**
     * W1's model and batch (784→256→128→10, Adam, batch 128) timed in blocks of {@code steps}
     * steps as W3 is, so that its warm-up is seen at step resolution rather than epoch by epoch
     * (bench/warmup.sh: how soon a process reaches its steady speed).
     */
    void mlpSteps() {
        stepsPerSecond("mlp-steps", Workloads::mlpModel, 128, o.steps);
    }

    /** W5: steps/s of 784→1200→1200→10 at batch 128, GEMM-bound (the second core's case). */
    void wide() {
        stepsPerSecond("wide", Workloads::wideModel, 128, o.wideSteps);
    }

    /** LeNet: steps/s of the LeNet-style CNN at batch 64. */
    void lenet() {
        stepsPerSecond("lenet", Workloads::lenetModel, 64, o.lenetSteps);
    }

    /** Steps/s of Adam on full shuffled batches (reshuffled when exhausted): a warm-up, then timed blocks. */
    private void stepsPerSecond(String name, Supplier<Module> makeModel, int bs, int steps) {
        Rng.manualSeed(o.seed);
        Module model = makeModel.get();
        Optimizer opt = adam(model);
        DataLoader loader = DataLoader.builder(train).batchSize(bs).shuffle(true).dropLast(true).seed(o.seed).build();
        Iterator<Batch>[] it = new Iterator[] {loader.iterator()};
        timeBlocks(o, base, name, bs, steps, () -> {
            if (!it[0].hasNext()) {       // only full batches; reshuffle when exhausted
                it[0] = loader.iterator();
            }
            return step(model, opt, it[0], CROSS_ENTROPY, o.scoped);
        });
    }

    /**
     * Steps/s of {@code step} (which returns its loss): a warm-up of {@code --warmup-seconds} and
     * at least {@code warmupSteps} steps, then {@code o.blocks} consecutive timed blocks of
     * {@code steps} steps in this process; one JSON line.
     */
    static void timeBlocks(Options o, Json base, String name, int bs, int steps, java.util.function.DoubleSupplier step) {
        double sinceStart = Stats.sinceJvmStart();
        double[] loss = new double[1];
        java.util.function.IntConsumer run = n -> {
            for (int s = 0; s < n; s++) {
                loss[0] = step.getAsDouble();
            }
        };
        long warm = System.nanoTime();
        run.accept(Math.min(o.warmupSteps, steps));
        while ((System.nanoTime() - warm) / 1e9 < o.warmupSeconds) {
            run.accept(Math.max(1, Math.min(50, steps)));
        }
        double firstStep = sinceStart;
        double[] secs = new double[o.blocks];
        double[] cpuUs = new double[o.blocks];
        double[] processUs = new double[o.blocks];
        double[] jitCpu = new double[o.blocks];
        double[] startedAt = new double[o.blocks];      // s since JVM start: places JIT and GC logs' stamps in blocks
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int b = 0; b < o.blocks; b++) {
            startedAt[b] = Stats.round(Stats.sinceJvmStart(), 3);
            long t0 = System.nanoTime();
            long c0 = mx.getCurrentThreadCpuTime();
            long p0 = Stats.processCpuNanos();
            long j0 = Stats.jitCpuNanos();
            run.accept(steps);
            secs[b] = (System.nanoTime() - t0) / 1e9;
            cpuUs[b] = Stats.round((mx.getCurrentThreadCpuTime() - c0) / 1e3 / steps, 1);
            processUs[b] = Stats.round((Stats.processCpuNanos() - p0) / 1e3 / steps, 1);
            jitCpu[b] = Stats.round(Stats.jitCpuSecondsSince(j0), 2);
        }
        double med = Stats.median(secs);
        double[] perBlock = new double[secs.length];
        for (int i = 0; i < secs.length; i++) {
            perBlock[i] = Stats.round(steps / secs[i], 1);
        }
        new Json().putAll(base).put("workload", name).put("seed", o.seed).put("batch", bs).put("steps", steps)
                .put("loop", o.scoped ? "scoped" : "plain")
                .put("block_seconds", Stats.round(secs, 4)).put("seconds", Stats.round(med, 4))
                .put("steps_per_second", Stats.round(steps / med, 2)).put("steps_per_second_blocks", perBlock)
                .put("main_thread_cpu_us_per_step_blocks", cpuUs)
                .put("process_cpu_us_per_step_blocks", processUs)
                .put("block_jit_cpu_seconds", jitCpu)
                .put("us_per_step", Stats.round(1e6 * med / steps, 1)).put("last_loss", Stats.round(loss[0], 5))
                .put("startup_to_first_step_seconds", Stats.round(firstStep, 3))
                .put("block_start_seconds_since_jvm_start", startedAt)
                .put("peak_rss_mib", Stats.peakRssMib()).emit();
    }

    // ---------------------------------------------------------------- W4

    /**
     * W4: a teacher trained once, then for every student seed and (alpha, T, epochs) config a
     * plain-CE student and a Hinton-KD student with identical init and batch order.
     */
    void distill() {
        int bs = 128;
        Rng.manualSeed(o.seed);
        Module teacher = teacher(o.teacherDropout);
        Optimizer opt = adam(teacher);
        DataLoader loader = loader(train, bs, o.seed);
        long t0 = System.nanoTime();
        List<Double> tEpochs = new ArrayList<>();
        for (int e = 0; e < o.teacherEpochs; e++) {
            long te = System.nanoTime();
            epoch(teacher, opt, loader, CROSS_ENTROPY, o.scoped);
            tEpochs.add(Stats.round((System.nanoTime() - te) / 1e9, 3));
        }
        double tTeacher = (System.nanoTime() - t0) / 1e9;
        double accT = accuracy(teacher, test);
        new Json().putAll(base).put("workload", "distill-teacher").put("seed", o.seed).put("teacher_epochs", o.teacherEpochs)
                .put("teacher_dropout", o.teacherDropout).put("batch", bs).put("teacher_test_accuracy", accT)
                .put("teacher_train_seconds", Stats.round(tTeacher, 2)).put("teacher_epoch_seconds", tEpochs).emit();
        float[] tLogits = teacherLogits(teacher).data().asFloat();
        for (String s : o.studentSeeds.split(",")) {
            long sseed = Long.parseLong(s.trim());
            for (String c : o.kdConfigs.split(",")) {
                String[] f = c.split(":");
                double alpha = Double.parseDouble(f[0]);
                double temp = Double.parseDouble(f[1]);
                int epochs = Integer.parseInt(f[2]);
                LossFn kd = (out, b) -> Losses.distillation(out,
                        Variable.constant(Tensor.gatherRows(tLogits, 10, b.indices(), 0, b.size())), b.labels(), temp, alpha);
                double[] plain = trainStudent(sseed, epochs, CROSS_ENTROPY);
                double[] distilled = trainStudent(sseed, epochs, kd);
                new Json().putAll(base).put("workload", "distill").put("seed", o.seed).put("student_seed", sseed)
                        .put("teacher_epochs", o.teacherEpochs).put("student_epochs", epochs)
                        .put("teacher_dropout", o.teacherDropout).put("T", temp).put("alpha", alpha).put("batch", bs)
                        .put("teacher_test_accuracy", accT)
                        .put("student_plain_test_accuracy", plain[0]).put("student_kd_test_accuracy", distilled[0])
                        .put("kd_minus_plain", Stats.round(distilled[0] - plain[0], 4))
                        .put("teacher_train_seconds", Stats.round(tTeacher, 2))
                        .put("student_plain_train_seconds", Stats.round(plain[1], 2))
                        .put("student_kd_train_seconds", Stats.round(distilled[1], 2))
                        .put("peak_rss_mib", Stats.peakRssMib()).emit();
            }
        }
    }

    /** The teacher's eval-mode logits on the whole training set, in chunks of 1000. */
    private INDArray teacherLogits(Module teacher) {
        teacher.eval();
        int n = train.size();
        INDArray out = Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, 10);
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        try (NoGrad g = Variable.noGrad()) {
            for (int i = 0; i < n; i += 1000) {
                int to = Math.min(i + 1000, n);
                INDArray l = teacher.forward(Variable.constant(train.gather(all, i, to).features())).value().array();
                out.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, to), org.nd4j.linalg.indexing.NDArrayIndex.all())
                        .assign(l);
            }
        }
        teacher.train();
        return out;
    }

    private double[] trainStudent(long seed, int epochs, LossFn lossFn) {
        Rng.manualSeed(seed);                              // identical init for plain and KD
        Module st = student();
        Optimizer opt = adam(st);
        DataLoader loader = loader(train, 128, seed);      // identical batch order
        long t0 = System.nanoTime();
        for (int e = 0; e < epochs; e++) {
            epoch(st, opt, loader, lossFn, o.scoped);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return new double[] {accuracy(st, test), secs};
    }
}
