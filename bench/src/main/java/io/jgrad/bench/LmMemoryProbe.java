package io.jgrad.bench;

import io.jgrad.optim.AdamW;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.NativeMemory;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.BufferCache;
import org.bytedeco.javacpp.Pointer;

/**
 * Resident memory of the {@code ./jgrad lm} training loop (issue 19 asks it to be flat after the
 * first 500 steps): the recipe's model and step exactly as {@code LmCommand} runs it (a
 * {@code StepScope} per step, AdamW, clipping at norm 1), a fresh batch of 32 × 128 token ids
 * each step, and every {@code every} steps, after {@code System.gc()}, VmRSS beside what is
 * accounted for: the heap, JavaCPP's tracked native bytes and the caching allocator's free lists.
 * ({@code ./bench/run.sh jgrad --workload lm-memory --steps 1000 --every 50})
 */
final class LmMemoryProbe {
    private final Json base;

    LmMemoryProbe(Json base) {
        this.base = base;
    }

    void run(int steps, int every, long seed) {
        Rng.manualSeed(seed);
        SequenceWorkloads.Gpt model = new SequenceWorkloads.Gpt();
        Optimizer opt = AdamW.builder(model.parameters()).lr(1e-3).betas(0.9, 0.99).weightDecay(0.1).build();
        Rng data = new Rng(seed + 1);
        long[] x = new long[32 * 128];
        long[] y = new long[32 * 128];
        long t0 = System.nanoTime();
        int fromStep = 0;
        for (int step = 1; step <= steps; step++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = data.nextInt(SequenceWorkloads.VOCAB);
                y[i] = data.nextInt(SequenceWorkloads.VOCAB);
            }
            double loss = SequenceWorkloads.lmStep(model, opt, Tensor.ofLongs(x, 32, 128), Tensor.ofLongs(y, 32, 128));
            if (step % every == 0 || step == steps) {
                double secs = (System.nanoTime() - t0) / 1e9;
                int window = step - fromStep;
                System.gc();
                Runtime r = Runtime.getRuntime();
                new Json().putAll(base).put("workload", "lm-memory").put("step", step)
                        .put("steps_per_second", Stats.round(window / secs, 2))
                        .put("vm_rss_mib", Stats.round(MemoryProbe.rssKib() / 1024.0, 1))
                        .put("javacpp_physical_mib", Stats.round(Pointer.physicalBytes() / 1048576.0, 1))
                        .put("javacpp_total_mib", Stats.round(Pointer.totalBytes() / 1048576.0, 1))
                        .put("cache_free_mib", Stats.round(BufferCache.freeBytes() / 1048576.0, 1))
                        .put("cache_fresh", BufferCache.freshAllocations())
                        .put("cache_reused", BufferCache.reusedAllocations())
                        .put("heap_used_mib", Stats.round((r.totalMemory() - r.freeMemory()) / 1048576.0, 1))
                        .put("heap_committed_mib", Stats.round(r.totalMemory() / 1048576.0, 1))
                        .put("jgrad_collections", NativeMemory.collections())
                        .put("loss", Stats.round(loss, 4)).emit();
                fromStep = step;
                t0 = System.nanoTime();
            }
        }
    }
}
