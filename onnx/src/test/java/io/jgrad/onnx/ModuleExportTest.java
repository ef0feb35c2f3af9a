package io.jgrad.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.nn.AdaptiveAvgPool2d;
import io.jgrad.nn.AvgPool2d;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.BatchNorm2d;
import io.jgrad.nn.Conv2d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Embedding;
import io.jgrad.nn.Flatten;
import io.jgrad.nn.GELU;
import io.jgrad.nn.GRU;
import io.jgrad.nn.LSTM;
import io.jgrad.nn.LayerNorm;
import io.jgrad.nn.LeakyReLU;
import io.jgrad.nn.Linear;
import io.jgrad.nn.LogSoftmax;
import io.jgrad.nn.MaxPool2d;
import io.jgrad.nn.Module;
import io.jgrad.nn.MultiheadAttention;
import io.jgrad.nn.Parameter;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.nn.Sigmoid;
import io.jgrad.nn.Softmax;
import io.jgrad.nn.Tanh;
import io.jgrad.nn.TransformerEncoderLayer;
import io.jgrad.nn.Unflatten;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every exportable module, with random parameters (and running statistics from a few training
 * batches), exported on a batch of 2 and run by ONNX Runtime on a batch of 5: the outputs equal
 * jgrad's eval-mode forward ({@link OrtCheck}).
 */
class ModuleExportTest {
    @TempDir
    Path dir;

    private final Rng rng = new Rng(20);

    /** Moves every parameter away from its initial value (γ = 1, β = 0 would hide mistakes). */
    private Module randomized(Module m) {
        for (Parameter p : m.parameters()) {
            Tensor noise = Tensor.uniform(rng, -0.5, 0.5, p.shape());
            p.value().array().addi(noise.array());
        }
        return m;
    }

    /** A few training-mode batches, so batch norms have running statistics other than 0 and 1. */
    private Module withRunningStats(Module m, long... shape) {
        m.train();
        try (var ignored = Variable.noGrad()) {
            for (int i = 0; i < 3; i++) {
                m.forward(Variable.constant(Tensor.uniform(rng, -1, 3, shape)));
            }
        }
        return m;
    }

    private Tensor input(long... shape) {
        return Tensor.uniform(rng, -2, 2, shape);
    }

    /** Exports on a batch of 2, compares on a batch of 5. */
    private void check(String label, Module m, long... sampleShape) {
        long[] example = withBatch(2, sampleShape);
        long[] other = withBatch(5, sampleShape);
        OrtCheck.exportAndCompare(label, m, input(example), input(other), dir.resolve(label + ".onnx"));
    }

    private static long[] withBatch(long n, long[] sample) {
        long[] s = new long[sample.length + 1];
        s[0] = n;
        System.arraycopy(sample, 0, s, 1, sample.length);
        return s;
    }

    @Test
    void linear() {
        check("linear", randomized(new Linear(7, 4)), 7);
        check("linear-no-bias", randomized(new Linear(7, 4, false)), 7);
        check("linear-rank3", randomized(new Linear(6, 3)), 4, 6);
        check("linear-rank4-no-bias", randomized(new Linear(6, 3, false)), 2, 3, 6);
    }

    @Test
    void conv2d() {
        check("conv2d", randomized(new Conv2d(3, 4, 3, 1, 1)), 3, 9, 9);
        check("conv2d-stride-dilation-groups", randomized(new Conv2d(4, 6, 3, 2, 2, 2, 2, true, rng)), 4, 11, 10);
        check("conv2d-no-bias", randomized(new Conv2d(2, 3, 2, 1, 0, 1, 1, false, rng)), 2, 6, 7);
    }

    @Test
    void batchNorms() {
        check("batchnorm1d", withRunningStats(randomized(new BatchNorm1d(5)), 8, 5), 5);
        check("batchnorm1d-no-affine",
                withRunningStats(BatchNorm1d.builder(5).affine(false).eps(1e-3).build(), 8, 5), 5);
        check("batchnorm2d", withRunningStats(randomized(new BatchNorm2d(3)), 4, 3, 5, 5), 3, 5, 5);
    }

    @Test
    void activations() {
        check("relu", new ReLU(), 3, 6);
        check("leakyrelu", new LeakyReLU(0.2), 3, 6);
        check("sigmoid", new Sigmoid(), 3, 6);
        check("tanh", new Tanh(), 3, 6);
        check("gelu", new GELU(), 3, 6);
    }

    @Test
    void softmaxes() {
        check("softmax-dim1", new Softmax(1), 4, 3);
        check("softmax-last", new Softmax(-1), 4, 3);
        check("logsoftmax-dim1", new LogSoftmax(1), 6);
        check("logsoftmax-dim2", new LogSoftmax(2), 4, 3);
    }

    @Test
    void dropoutIsTheIdentityAndAloneStillGivesAGraph() {
        Module m = new Sequential(randomized(new Linear(5, 5)), new Dropout(0.5), new ReLU());
        m.train();
        check("dropout-in-sequential", m, 5);
        assertTrue(m.isTraining(), "the export puts the model's training mode back");
        check("dropout-alone", new Dropout(0.3), 4);
    }

    @Test
    void poolings() {
        check("maxpool2d", new MaxPool2d(2), 3, 8, 8);
        check("maxpool2d-padded", new MaxPool2d(3, 2, 1), 2, 9, 7);
        check("avgpool2d", new AvgPool2d(2), 3, 8, 8);
        check("avgpool2d-padded", new AvgPool2d(3, 2, 1), 2, 9, 7);
        check("adaptiveavgpool2d", new AdaptiveAvgPool2d(1), 3, 5, 6);
    }

    @Test
    void flattenAndUnflatten() {
        check("flatten", new Flatten(), 3, 4, 5);
        check("flatten-middle", new Flatten(2, 3), 3, 4, 5);
        check("flatten-all", new Flatten(0, -1), 3, 4);
        check("unflatten", new Unflatten(1, 2, 3), 6);
        check("unflatten-last", new Unflatten(-1, 2, 2), 3, 4);
    }

    @Test
    void layerNorm() {
        check("layernorm", randomized(new LayerNorm(8)), 8);
        check("layernorm-rank3", randomized(new LayerNorm(6)), 4, 6);
        check("layernorm-no-affine", new LayerNorm(6, 1e-3, false), 4, 6);
    }

    @Test
    void embedding() {
        Embedding e = new Embedding(10, 4, rng);
        Tensor example = Tensor.of(new float[] {1, 9, 0, 3, 3, 7}, 2, 3);
        Tensor other = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 0, 5, 5, 1}, 5, 3);
        OrtCheck.exportAndCompare("embedding-float-indices", e, example, other, dir.resolve("embedding.onnx"));
        OrtCheck.exportAndCompare("embedding-int64-indices", e,
                Tensor.ofLongs(new long[] {4, 2, 8, 1, 0, 9}, 2, 3), Tensor.ofLongs(new long[] {9, 8, 7, 0, 1, 2, 5, 5, 3}, 3, 3),
                dir.resolve("embedding-int64.onnx"));
    }

    @Test
    void nestedSequentials() {
        Module m = new Sequential(
                new Unflatten(1, 2, 4, 4),
                new Sequential(new Conv2d(2, 4, 3, 1, 1), new BatchNorm2d(4), new GELU()),
                new Sequential(new MaxPool2d(2), new Flatten(), new Sequential(new Linear(16, 8), new Tanh())),
                new LayerNorm(8), new Linear(8, 3), new LogSoftmax(1));
        withRunningStats(randomized(m), 6, 32);
        check("nested-sequentials", m, 32);
    }

    @Test
    void recurrentLayers() {
        check("lstm", randomized(new LSTM(5, 7, 1, rng)), 4, 5);
        check("lstm-2-layers", randomized(new LSTM(5, 6, 2, rng)), 3, 5);
        check("gru", randomized(new GRU(5, 7, 1, rng)), 4, 5);
        check("gru-2-layers-then-linear", randomized(new Sequential(new GRU(5, 6, 2, rng), new Linear(6, 3))), 3, 5);
    }

    @Test
    void attention() {
        check("multihead-attention", randomized(new MultiheadAttention(8, 2, rng)), 5, 8);
        check("multihead-attention-1-head", randomized(new MultiheadAttention(6, 1, rng)), 3, 6);
    }

    @Test
    void transformerEncoderLayers() {
        check("transformer-post-norm-relu", randomized(new TransformerEncoderLayer(8, 2, 16, 0.1, "relu", false)), 5, 8);
        check("transformer-pre-norm-gelu", randomized(new TransformerEncoderLayer(8, 4, 12, 0.1, "gelu", true)), 5, 8);
        check("transformer-causal-post-norm",
                randomized(new TransformerEncoderLayer(8, 2, 16, 0.0, "gelu", false, true)), 6, 8);
        check("transformer-causal-pre-norm",
                randomized(new TransformerEncoderLayer(8, 2, 16, 0.2, "relu", true, true)), 6, 8);
    }

    @Test
    void aSmallCausalLanguageModelOnTokenIds() {
        Module lm = randomized(new Sequential(new Embedding(20, 8, rng),
                new TransformerEncoderLayer(8, 2, 16, 0.1, "gelu", true, true),
                new TransformerEncoderLayer(8, 2, 16, 0.1, "gelu", true, true), new LayerNorm(8), new Linear(8, 20)));
        long[] example = new long[2 * 6];
        long[] other = new long[3 * 6];
        for (int i = 0; i < other.length; i++) {
            other[i] = (i * 7 + 3) % 20;
            if (i < example.length) {
                example[i] = (i * 5 + 1) % 20;
            }
        }
        OrtCheck.exportAndCompare("causal-lm", lm, Tensor.ofLongs(example, 2, 6), Tensor.ofLongs(other, 3, 6),
                dir.resolve("lm.onnx"));
    }
}
