package io.jgrad.bench;

import io.jgrad.autograd.Variable;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Losses;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.NativeMemory;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.bytedeco.javacpp.Pointer;

/**
 * The plain training loop exactly as the README shows it (zeroGrad, forward, loss, backward,
 * step; no scope, no Trainer), 784→32→ReLU→10, Adam, batch 16, a new input Tensor each step,
 * printing resident memory after {@code System.gc()} every {@code every} steps. This is how
 * issue 10's per-step growth was found and how its fix is checked by hand
 * ({@code ./bench/run.sh jgrad --workload memory --steps 100000}).
 */
final class MemoryProbe {
    private final Json base;

    MemoryProbe(Json base) {
        this.base = base;
    }

    void run(int steps, int every) {
        Rng.manualSeed(1);
        Module model = new Sequential(new Linear(784, 32), new ReLU(), new Linear(32, 10));
        Optimizer opt = Adam.builder(model.parameters()).lr(1e-3).build();
        Rng rng = new Rng(2);
        float[] pool = rng.uniform(64 * 784, 0, 1);
        int[] labels = new int[16];
        float[] x = new float[16 * 784];
        long t0 = System.nanoTime();
        int fromStep = 0;
        for (int step = 1; step <= steps; step++) {
            System.arraycopy(pool, (step % 48) * 784, x, 0, x.length);
            for (int i = 0; i < labels.length; i++) {
                labels[i] = (step + i) % 10;
            }
            opt.zeroGrad();
            Variable loss = Losses.crossEntropy(model.forward(Variable.constant(Tensor.of(x, 16, 784))), labels);
            loss.backward();
            opt.step();
            if (step % every == 0 || step == steps) {
                double secs = (System.nanoTime() - t0) / 1e9;
                int window = step - fromStep;
                System.gc();
                new Json().putAll(base).put("workload", "memory").put("step", step)
                        .put("steps_per_second", Stats.round(window / secs, 1))
                        .put("vm_rss_mib", Stats.round(rssKib() / 1024.0, 1))
                        .put("javacpp_physical_mib", Stats.round(Pointer.physicalBytes() / 1048576.0, 1))
                        .put("javacpp_total_mib", Stats.round(Pointer.totalBytes() / 1048576.0, 2))
                        .put("heap_used_mib", Stats.round(heapUsed() / 1048576.0, 1))
                        .put("heap_committed_mib", Stats.round(Runtime.getRuntime().totalMemory() / 1048576.0, 1))
                        .put("jgrad_collections", NativeMemory.collections())
                        .put("loss", Stats.round(loss.item(), 4)).emit();
                fromStep = step;
                t0 = System.nanoTime();
            }
        }
    }

    private static long heapUsed() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** VmRSS of /proc/self/status in KiB, -1 off Linux. */
    static long rssKib() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }
}
