package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.BatchNorm2d;
import io.jgrad.nn.Conv2d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Embedding;
import io.jgrad.nn.GRU;
import io.jgrad.nn.LSTM;
import io.jgrad.nn.Flatten;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Losses;
import io.jgrad.nn.MaxPool2d;
import io.jgrad.nn.Module;
import io.jgrad.nn.MultiheadAttention;
import io.jgrad.nn.Penalties;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.nn.TransformerEncoderLayer;
import io.jgrad.optim.Adam;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.Clipping;
import io.jgrad.optim.LRScheduler;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.SGD;
import io.jgrad.optim.StepLR;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.Backend;
import io.jgrad.tensor.backend.ClassLabels;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The device path, proved structurally: on the {@code nd4j} backend a plain training step
 * (forward, loss, backward, clipping, optimizer step, scheduler step, L1/L2 penalties) moves no
 * value between ND4J memory and the JVM, counted by {@link Backend#hostTransfers()}: MLP, CNN,
 * weighted cross-entropy, distillation, MSE/BCE/KL, and the sequence layers (Embedding with LSTM,
 * GRU, causal MultiheadAttention, a TransformerEncoderLayer) on INT64 tokens with an ignore
 * index. The batch is uploaded before the step, as a data loader does; INT64 indices are
 * range-checked from what {@code Tensor.ofLongs} saw, so they are not read back either. Runs when the suite runs on
 * {@code jgrad.backend=nd4j} ({@code .ci/run} runs it on both); skipped on {@code cpu}, whose host
 * kernels read native memory by design.
 */
class DevicePathTest {
    private static final int STEPS = 3;

    @BeforeEach
    void onTheNd4jBackend() {
        assumeTrue(Backend.current() == Backend.ND4J, "the zero-transfer steps are the nd4j backend's contract");
    }

    @Test
    void mlpWithBatchNormAndDropoutUnderAdamSchedulerClippingAndPenalties() {
        Rng rng = new Rng(7);
        Module model = new Sequential(new Linear(6, 16, true, rng), new BatchNorm1d(16), new ReLU(),
                new Dropout(0.3, rng.split()), new Linear(16, 4, true, rng));
        Optimizer opt = Adam.builder(model.parameters()).lr(0.01).build();
        LRScheduler sched = new StepLR(opt, 2, 0.5);
        Variable x = Variable.constant(Tensor.randn(new Rng(1), 8, 6));
        ClassLabels y = ClassLabels.of("test", new int[] {0, 1, 2, 3, 0, 1, 2, 3}, 4, null).prepare();
        assertZeroPerStep(() -> {
            Variable loss = Losses.crossEntropy(model.forward(x), y, 0.0)
                    .add(Penalties.l1(model.parameters(), 1e-4))
                    .add(Penalties.l2(model.parameters(), 1e-4));
            opt.zeroGrad();
            loss.backward();
            Clipping.clipGradNormTensor(model.parameters(), 1.0, 2);
            opt.step();
            sched.step();
            return loss;
        });
    }

    @Test
    void cnnWithConvBatchNorm2dAndMaxPoolUnderSgdMomentum() {
        Rng.manualSeed(3);
        Module model = new Sequential(new Conv2d(1, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(4 * 4 * 4, 3));
        Optimizer opt = SGD.builder(model.parameters()).lr(0.05).momentum(0.9).build();
        Variable x = Variable.constant(Tensor.randn(new Rng(2), 4, 1, 8, 8));
        ClassLabels y = ClassLabels.of("test", new int[] {0, 1, 2, 1}, 3, null).prepare();
        assertZeroPerStep(step(opt, () -> Losses.crossEntropy(model.forward(x), y, 0.0)));
    }

    @Test
    void classWeightedCrossEntropyWithLabelSmoothing() {
        Linear model = new Linear(5, 3, true, new Rng(11));
        Optimizer opt = SGD.builder(model.parameters()).lr(0.1).build();
        Variable x = Variable.constant(Tensor.randn(new Rng(4), 6, 5));
        ClassLabels y = ClassLabels.of("test", new int[] {0, 2, 1, 2, 0, 1}, 3, new float[] {0.5f, 2f, 1f}).prepare();
        assertZeroPerStep(step(opt, () -> Losses.crossEntropy(model.forward(x), y, 0.1)));
    }

    @Test
    void distillationLoss() {
        Linear student = new Linear(5, 3, true, new Rng(12));
        Linear teacher = new Linear(5, 3, true, new Rng(13));
        Optimizer opt = Adam.builder(student.parameters()).lr(0.01).build();
        Variable x = Variable.constant(Tensor.randn(new Rng(5), 6, 5));
        ClassLabels y = ClassLabels.of("test", new int[] {0, 2, 1, 2, 0, 1}, 3, null).prepare();
        assertZeroPerStep(step(opt, () -> Losses.distillationOf(student.forward(x),
                Variable.constant(teacher.forward(x).value()), y, 2.0, 0.7)));
    }

    @Test
    void regressionAndBinaryLosses() {
        Linear model = new Linear(4, 2, true, new Rng(14));
        Optimizer opt = SGD.builder(model.parameters()).lr(0.1).build();
        Variable x = Variable.constant(Tensor.randn(new Rng(6), 5, 4));
        Variable t = Variable.constant(Tensor.uniform(new Rng(15), 0, 1, 5, 2));
        assertZeroPerStep(step(opt, () -> {
            Variable out = model.forward(x);
            return Losses.mse(out, t).add(Losses.bceWithLogits(out, t))
                    .add(Losses.klDivergence(out.logSoftmax(1), t.softmax(1)));
        }));
    }

    @Test
    void embeddingAndLstmOnTokensWithIgnoreIndexUnderAdamWAndClipping() {
        Embedding emb = new Embedding(7, 6, new Rng(21));
        LSTM lstm = new LSTM(6, 8, 2, new Rng(22));
        Linear head = new Linear(8, 7, true, new Rng(23));
        assertZeroPerTokenStep(x -> head.forward(lstm.forward(emb.forward(x))), emb, lstm, head);
    }

    @Test
    void embeddingAndGruOnTokens() {
        Embedding emb = new Embedding(7, 6, new Rng(24));
        GRU gru = new GRU(6, 8, 1, new Rng(25));
        Linear head = new Linear(8, 7, true, new Rng(26));
        assertZeroPerTokenStep(x -> head.forward(gru.forward(emb.forward(x))), emb, gru, head);
    }

    @Test
    void embeddingAndCausalMultiheadAttentionOnTokens() {
        Embedding emb = new Embedding(7, 8, new Rng(27));
        MultiheadAttention attn = new MultiheadAttention(8, 2, new Rng(28));
        Linear head = new Linear(8, 7, true, new Rng(29));
        assertZeroPerTokenStep(x -> {
            Variable e = emb.forward(x);
            return head.forward(attn.forward(e, e, e, true));
        }, emb, attn, head);
    }

    @Test
    void embeddingPositionsAndTransformerEncoderLayerWithDropoutOnTokens() {
        Rng.manualSeed(30);
        Embedding emb = new Embedding(7, 8);
        Embedding pos = new Embedding(5, 8);
        TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2, 16, 0.1, "gelu", true, true);
        Linear head = new Linear(8, 7);
        Tensor positions = Tensor.arange(5);
        assertZeroPerTokenStep(x -> head.forward(layer.forward(emb.forward(x).add(pos.forward(Variable.constant(positions))))),
                emb, pos, layer, head);
    }

    /**
     * Steps of a token model: INT64 inputs {@code [3, 5]} in 7 classes, next-token targets with
     * two positions ignored (-100), per-token cross-entropy, AdamW and gradient clipping; the
     * batch is made by {@code Tensor.ofLongs} before the steps, as a data loader does.
     */
    private static void assertZeroPerTokenStep(java.util.function.UnaryOperator<Variable> model, Module... parts) {
        java.util.List<Variable> params = new java.util.ArrayList<>();
        for (Module m : parts) {
            params.addAll(m.parameters());
        }
        Optimizer opt = AdamW.builder(params).lr(0.01).weightDecay(0.01).build();
        long[] ids = {0, 3, 1, 4, 2, 6, 5, 5, 1, 0, 2, 2, 3, 6, 4};
        long[] next = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            next[i] = i == 4 || i == 9 ? -100 : (ids[i] + 1) % 7;
        }
        Variable x = Variable.constant(Tensor.ofLongs(ids, 3, 5));
        Tensor y = Tensor.ofLongs(next, 3, 5);
        assertZeroPerStep(() -> {
            opt.zeroGrad();
            Variable loss = Losses.crossEntropy(model.apply(x), y, -100);
            loss.backward();
            Clipping.clipGradNormTensor(params, 1.0, 2);
            opt.step();
            return loss;
        });
    }

    /** A plain step: zero the gradients, compute {@code loss}, back-propagate, update; answers the loss. */
    private static Supplier<Variable> step(Optimizer opt, Supplier<Variable> loss) {
        return () -> {
            opt.zeroGrad();
            Variable l = loss.get();
            l.backward();
            opt.step();
            return l;
        };
    }

    /** Runs one warm-up step, then {@link #STEPS} steps that must each make no transfer; the loss must still be finite and change. */
    private static void assertZeroPerStep(Supplier<Variable> step) {
        float first = step.get().item();
        for (int i = 0; i < STEPS; i++) {
            long before = Backend.hostTransfers();
            step.get();
            long made = Backend.hostTransfers() - before;
            assertEquals(0, made, "host transfers in training step " + (i + 1));
        }
        float last = step.get().item();
        assertTrue(Float.isFinite(first) && Float.isFinite(last) && first != last,
                "the steps trained: loss " + first + " -> " + last);
    }
}
