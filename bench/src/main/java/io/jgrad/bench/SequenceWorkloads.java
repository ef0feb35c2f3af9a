package io.jgrad.bench;

import io.jgrad.autograd.Variable;
import io.jgrad.nn.Embedding;
import io.jgrad.nn.LSTM;
import io.jgrad.nn.LayerNorm;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Losses;
import io.jgrad.nn.Module;
import io.jgrad.nn.ModuleList;
import io.jgrad.nn.TransformerEncoderLayer;
import io.jgrad.optim.Adam;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.Clipping;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.StepScope;
import io.jgrad.tensor.Tensor;

/**
 * The sequence workloads, the same programs as torch_bench.py's {@code lm} and {@code lstm}, on
 * synthetic data (the speed of a step does not depend on which tokens it sees):
 * W7, the {@code ./jgrad lm} recipe's training step (a character GPT: token and position
 * embeddings of 128, 4 pre-norm causal Transformer layers of 4 heads and 512 hidden units, GELU,
 * dropout 0.1, AdamW (lr 1e-3, betas 0.9/0.99, weight decay 0.1), clipping at norm 1, batches of
 * 32 windows of 128 tokens over a vocabulary of 96);
 * W8, a 2-layer LSTM(64 → 128) over sequences of 50 at batch 64 with a linear head on the last
 * step, cross-entropy over 10 classes, Adam 1e-3. Steps/s over timed blocks, as W3 and W5; the
 * batches (8 of them, cycled) are drawn before timing on both sides.
 */
final class SequenceWorkloads {
    static final int VOCAB = 96;
    /** Batches drawn before timing and cycled: a step's cost, not the random generator's. */
    static final int POOL = 8;
    private final Workloads.Options o;
    private final Json base;

    SequenceWorkloads(Workloads.Options o, Json base) {
        this.o = o;
        this.base = base;
    }

    /** W7: the lm recipe's step. */
    void lm() {
        Rng.manualSeed(o.seed);
        Gpt model = new Gpt();
        Optimizer opt = AdamW.builder(model.parameters()).lr(1e-3).betas(0.9, 0.99).weightDecay(0.1).build();
        Rng data = new Rng(o.seed + 1);
        Tensor[][] batches = new Tensor[POOL][];                 // drawn before timing, as torch_bench.py's
        for (int b = 0; b < POOL; b++) {
            long[] x = new long[32 * 128];
            long[] y = new long[32 * 128];
            for (int i = 0; i < x.length; i++) {
                x[i] = data.nextInt(VOCAB);
                y[i] = data.nextInt(VOCAB);
            }
            batches[b] = new Tensor[] {Tensor.ofLongs(x, 32, 128), Tensor.ofLongs(y, 32, 128)};
        }
        int[] next = {0};
        java.util.function.DoubleSupplier step = () -> {
            Tensor[] batch = batches[next[0]++ % POOL];
            return lmStep(model, opt, batch[0], batch[1]);
        };
        Workloads.timeBlocks(o, base, "lm", 32, o.lmSteps, step);
    }

    /** One step of the lm recipe as {@code LmCommand} runs it (a scope, AdamW, clipping at norm 1); returns the loss. */
    static double lmStep(Gpt model, Optimizer opt, Tensor tokens, Tensor targets) {
        try (StepScope s = StepScope.open()) {
            opt.zeroGrad();
            Variable loss = Losses.crossEntropy(model.forward(Variable.constant(tokens)), targets);
            loss.backward();
            Clipping.clipGradNorm(model.parameters(), 1.0);
            opt.step();
            return loss.item();
        }
    }

    /** W8: a 2-layer LSTM over sequences of 50. */
    void lstm() {
        Rng.manualSeed(o.seed);
        LSTM lstm = new LSTM(64, 128, 2);
        Linear head = new Linear(128, 10);
        java.util.List<io.jgrad.nn.Parameter> params = new java.util.ArrayList<>(lstm.parameters());
        params.addAll(head.parameters());
        Optimizer opt = Adam.builder(params).lr(1e-3).build();
        Rng data = new Rng(o.seed + 1);
        Tensor[] xs = new Tensor[POOL];                          // drawn before timing, as torch_bench.py's
        int[][] ys = new int[POOL][64];
        for (int b = 0; b < POOL; b++) {
            xs[b] = Tensor.randn(data, 64, 50, 64);
            for (int i = 0; i < 64; i++) {
                ys[b][i] = data.nextInt(10);
            }
        }
        int[] next = {0};
        java.util.function.DoubleSupplier step = () -> {
            Tensor x = xs[next[0] % POOL];
            int[] y = ys[next[0]++ % POOL];
            opt.zeroGrad();
            Variable h = lstm.forward(Variable.constant(x));                  // [64, 50, 128]
            Variable last = h.narrow(1, 49, 1).reshape(64, 128);
            Variable loss = Losses.crossEntropy(head.forward(last), y);
            loss.backward();
            opt.step();
            return loss.item();
        };
        Workloads.timeBlocks(o, base, "lstm", 64, o.lstmSteps, step);
    }

    /** The lm recipe's character GPT, as examples' CharGpt (which the bench does not depend on). */
    static final class Gpt extends Module {
        private final Embedding tok = registerModule("tok", new Embedding(VOCAB, 128));
        private final Embedding pos = registerModule("pos", new Embedding(128, 128));
        private final ModuleList blocks = registerModule("blocks", new ModuleList());
        private final LayerNorm norm;
        private final Linear head;
        private final Tensor positions = Tensor.arange(128);

        Gpt() {
            for (int i = 0; i < 4; i++) {
                blocks.add(new TransformerEncoderLayer(128, 4, 512, 0.1, "gelu", true, true));
            }
            norm = registerModule("norm", new LayerNorm(128));
            head = registerModule("head", new Linear(128, VOCAB));
        }

        @Override
        public Variable forward(Variable tokens) {
            Variable h = tok.forward(tokens).add(pos.forward(Variable.constant(positions)));
            for (int i = 0; i < blocks.size(); i++) {
                h = blocks.get(i).forward(h);
            }
            return head.forward(norm.forward(h));
        }
    }
}
