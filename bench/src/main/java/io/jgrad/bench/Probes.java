package io.jgrad.bench;

import io.jgrad.autograd.Variable;
import io.jgrad.nn.Linear;
import io.jgrad.tensor.Blas;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Throughput probes: the float32 GEMM ceiling ({@code Nd4j.gemm} into an existing array, what
 * torch_bench.py's {@code torch.mm(out=)} measures) and one Linear layer's forward and backward
 * at batch 1024 through jgrad's graph, as GFLOP/s and as a fraction of that ceiling.
 */
final class Probes {
    private final Json base;

    Probes(Json base) {
        this.base = base;
    }

    /** GFLOP/s samples of {@code fn}: 3 warm-up calls, then 7 samples of ~0.25 s each. */
    static double[] samples(Runnable fn, double flops, double targetSeconds, int nSamples) {
        for (int i = 0; i < 3; i++) {
            fn.run();
        }
        long t0 = System.nanoTime();
        fn.run();
        double one = Math.max((System.nanoTime() - t0) / 1e9, 1e-6);
        int reps = Math.max(1, (int) (targetSeconds / one));
        double[] out = new double[nSamples];
        for (int s = 0; s < nSamples; s++) {
            t0 = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                fn.run();
            }
            out[s] = flops * reps / ((System.nanoTime() - t0) / 1e9) / 1e9;
        }
        return out;
    }

    private static double max(double[] xs) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : xs) {
            m = Math.max(m, x);
        }
        return m;
    }

    /** The GEMM ceiling at {@code n = sizes}; returns the median GFLOP/s per size. */
    double[] gemm(int[] sizes, double targetSeconds) {
        double[] medians = new double[sizes.length];
        for (int k = 0; k < sizes.length; k++) {
            int n = sizes[k];
            INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
            INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
            INDArray c = Nd4j.createUninitialized(DataType.FLOAT, n, n);
            double[] s = samples(() -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0), 2.0 * n * n * n, targetSeconds, 7);
            medians[k] = Stats.median(s);
            emitGemm("Nd4j.gemm(out=)", n, s);
            long cpu0 = processCpuNanos();
            long wall0 = System.nanoTime();
            double[] own = samples(() -> Blas.gemm(a, false, b, false, c, 1.0, 0.0), 2.0 * n * n * n, targetSeconds, 7);
            double cores = (double) (processCpuNanos() - cpu0) / (System.nanoTime() - wall0);
            new Json().putAll(base).put("workload", "gemm").put("op", "jgrad Blas.gemm(out=)").put("n", n)
                    .put("samples", own.length).put("gflops_median", Stats.round(Stats.median(own), 2))
                    .put("gflops_max", Stats.round(max(own), 2))
                    .put("cpu_seconds_per_second", Stats.round(cores, 2)).emit();
        }
        return medians;
    }

    /**
     * CPU time of this process: with {@code cpu_seconds_per_second} it shows how many cores a
     * probe kept busy, which a shared machine's wall-clock figures cannot.
     */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private void emitGemm(String op, int n, double[] s) {
        new Json().putAll(base).put("workload", "gemm").put("op", op).put("n", n).put("samples", s.length)
                .put("gflops_median", Stats.round(Stats.median(s), 2)).put("gflops_max", Stats.round(max(s), 2)).emit();
    }

    /**
     * One {@code Linear(features, features)} forward and backward at {@code batch} rows through
     * jgrad's graph (input requiring grad, so three GEMMs: y, dx, dW), against the GEMM ceiling
     * measured at the same size in this process.
     */
    void linear(int batch, int features, double targetSeconds) {
        double ceiling = gemm(new int[] {features}, targetSeconds)[0];
        Rng.manualSeed(1);
        Linear layer = new Linear(features, features);
        Variable x = Variable.of(Tensor.uniform(new Rng(2), -1, 1, batch, features), true);
        INDArray ones = Nd4j.ones(DataType.FLOAT, batch, features);
        Runnable step = () -> {
            layer.zeroGrad();
            x.zeroGrad();
            Variable y = layer.forward(x);
            // sum(y) whose backward hands out a ready array of ones, so only the layer is timed
            Variable.fromOp("sum", Nd4j.scalar(y.value().array().sumNumber().floatValue()), g -> new INDArray[] {ones}, y)
                    .backward();
        };
        double flops = 3 * 2.0 * batch * features * features;
        double[] s = samples(step, flops, targetSeconds, 7);
        double med = Stats.median(s);
        List<Object> shape = new ArrayList<>(List.of(batch, features, features));
        new Json().putAll(base).put("workload", "linear").put("op", "Linear forward+backward").put("batch_in_out", shape)
                .put("samples", s.length).put("gflops_median", Stats.round(med, 2)).put("gflops_max", Stats.round(max(s), 2))
                .put("gemm_ceiling_gflops", Stats.round(ceiling, 2))
                .put("fraction_of_ceiling", Stats.round(med / ceiling, 3)).emit();
    }
}
