package io.jgrad.nn;

import static io.jgrad.nn.Golden.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Layers' forward values and gradients against PyTorch (tools/golden/gen_nn.py). */
class LayersGoldenTest {
    private static final JsonNode CASES = Golden.cases("nn.json");

    /** Runs {@code sum(forward(x) * gout)} backward and returns the output. */
    private static Variable forwardBackward(Module m, Variable x, JsonNode gout) {
        Variable y = m.forward(x);
        y.mul(Variable.constant(Golden.tensor(gout))).sum().backward();
        return y;
    }

    @Test
    void linearMatchesPyTorch() {
        JsonNode c = CASES.get("linear");
        Linear lin = new Linear(5, 3);
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("weight", Golden.tensor(c.get("weight")));
        state.put("bias", Golden.tensor(c.get("bias")));
        lin.loadStateDict(state);
        Variable x = Variable.of(Golden.tensor(c.get("x")), true);
        Variable y = forwardBackward(lin, x, c.get("gout"));
        assertClose(c.get("y"), y.value(), "linear y");
        assertClose(c.get("dx"), x.grad(), "linear dx");
        assertClose(c.get("dweight"), lin.weight().grad(), "linear dweight");
        assertClose(c.get("dbias"), lin.bias().grad(), "linear dbias");
    }

    @Test
    void batchNormTrainingStepMatchesPyTorch() {
        for (String name : List.of("batchnorm_train", "batchnorm_train_noaffine")) {
            JsonNode c = CASES.get(name);
            boolean affine = c.has("weight");
            BatchNorm1d bn = BatchNorm1d.builder(4).affine(affine).build();
            if (affine) {
                bn.weight().value().array().assign(Golden.tensor(c.get("weight")).array());
                bn.bias().value().array().assign(Golden.tensor(c.get("bias")).array());
            }
            Variable x = Variable.of(Golden.tensor(c.get("x")), true);
            Variable y = forwardBackward(bn, x, c.get("gout"));
            assertClose(c.get("y"), y.value(), 1e-5, 1e-4, name + " y");
            assertClose(c.get("dx"), x.grad(), 1e-5, 1e-4, name + " dx");
            if (affine) {
                assertClose(c.get("dweight"), bn.weight().grad(), 1e-5, 1e-4, name + " dweight");
                assertClose(c.get("dbias"), bn.bias().grad(), name + " dbias");
            }
            assertClose(c.get("running_mean"), bn.runningMean(), name + " running_mean");
            assertClose(c.get("running_var"), bn.runningVar(), name + " running_var");
            assertEquals(c.get("num_batches_tracked").asLong(), bn.numBatchesTracked());
        }
    }

    @Test
    void batchNormRunningStatisticsAndEvalMatchPyTorch() {
        for (String name : List.of("batchnorm_steps", "batchnorm_steps_cumulative")) {
            JsonNode c = CASES.get(name);
            BatchNorm1d bn = BatchNorm1d.builder(3).momentum(name.endsWith("cumulative") ? null : 0.1).build();
            bn.weight().value().array().assign(Golden.tensor(c.get("weight")).array());
            bn.bias().value().array().assign(Golden.tensor(c.get("bias")).array());
            for (JsonNode b : c.get("batches")) {
                bn.forward(Variable.constant(Golden.tensor(b)));
            }
            assertClose(c.get("running_mean"), bn.runningMean(), name + " running_mean");
            assertClose(c.get("running_var"), bn.runningVar(), name + " running_var");
            assertEquals(c.get("num_batches_tracked").asLong(), bn.numBatchesTracked());
            bn.eval();
            Variable x = Variable.of(Golden.tensor(c.get("x_eval")), true);
            Variable y = forwardBackward(bn, x, c.get("gout"));
            assertClose(c.get("y_eval"), y.value(), name + " eval y");
            assertClose(c.get("dx"), x.grad(), name + " eval dx");
            assertClose(c.get("dweight"), bn.weight().grad(), name + " eval dweight");
            assertClose(c.get("dbias"), bn.bias().grad(), name + " eval dbias");
            assertEquals(c.get("num_batches_tracked").asLong(), bn.numBatchesTracked(), "eval must not count batches");
        }
    }

    @Test
    void leakyReluMatchesPyTorchIncludingAtZero() {
        for (String name : List.of("leaky_relu_0.01", "leaky_relu_0.2")) {
            JsonNode c = CASES.get(name);
            Variable x = Variable.of(Golden.tensor(c.get("x")), true);
            double slope = c.get("slope").asDouble();
            Module m = slope == 0.01 ? new LeakyReLU() : new LeakyReLU(slope);
            Variable y = forwardBackward(m, x, c.get("gout"));
            assertClose(c.get("y"), y.value(), name + " y");
            assertClose(c.get("dx"), x.grad(), name + " dx");
        }
    }

    @Test
    void reprMatchesPyTorch() {
        JsonNode c = CASES.get("repr");
        Module mlp = new Sequential(new Linear(784, 256), new BatchNorm1d(256), new ReLU(), new Dropout(0.3),
                new Linear(256, 10));
        assertEquals(c.get("mlp").asText(), mlp.toString());
        Module misc = new Sequential(new Flatten(), new LeakyReLU(), new Sigmoid(), new Tanh(), new Softmax(1),
                new LogSoftmax(1), new Linear(3, 2, false),
                BatchNorm1d.builder(7).eps(1e-3).momentum(null).affine(false).build(),
                new Sequential(new ReLU(), new Dropout(0.5)));
        assertEquals(c.get("misc").asText(), misc.toString());
    }
}
