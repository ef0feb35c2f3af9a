package io.jgrad.nn;

import static io.jgrad.nn.Golden.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.Backend;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * BatchNorm1d in training mode (alone, and followed by ReLU as {@code Sequential} fuses them) against
 * PyTorch 2.13 on one thread (tools/golden/gen_batchnorm_exact.py), W2's second layer among the cases:
 * on the {@code cpu} backend the output, the gradients and the running mean bit for bit (its kernel
 * follows PyTorch's float sums and fma), the running variance within a float's rounding (PyTorch
 * unbiases {@code varSum / (N − 1)} in one division, jgrad the biased variance times {@code N/(N − 1)});
 * on {@code nd4j} (ND4J's own kernels) within the usual batch-norm tolerance.
 */
class BatchNormExactGoldenTest {
    private static final JsonNode CASES = Golden.cases("batchnorm_exact.json");
    private static final boolean EXACT = Backend.current() == Backend.CPU;

    @Test
    void trainingStepMatchesPyTorchOneThread() {
        for (Iterator<Map.Entry<String, JsonNode>> it = CASES.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode c = e.getValue();
            boolean affine = c.get("affine").asBoolean();
            int channels = (int) Golden.shape(c.get("x"))[1];
            BatchNorm1d bn = BatchNorm1d.builder(channels).affine(affine).momentum(0.1).build();
            if (affine) {
                bn.weight().value().array().assign(Golden.tensor(c.get("weight")).array());
                bn.bias().value().array().assign(Golden.tensor(c.get("bias")).array());
            }
            Module m = c.get("relu").asBoolean() ? new Sequential(bn, new ReLU()) : bn;
            Variable x = Variable.of(Golden.tensor(c.get("x")), true);
            Variable y = m.forward(x);
            y.mul(Variable.constant(Golden.tensor(c.get("gout")))).sum().backward();
            same(c.get("y"), y.value(), name + " y");
            same(c.get("dx"), x.grad(), name + " dx");
            if (affine) {
                same(c.get("dweight"), bn.weight().grad(), name + " dweight");
                same(c.get("dbias"), bn.bias().grad(), name + " dbias");
            }
            same(c.get("running_mean"), bn.runningMean(), name + " running_mean");
            assertClose(c.get("running_var"), bn.runningVar(), EXACT ? 0 : 1e-5, EXACT ? 1.2e-7 : 1e-5, name + " running_var");
        }
    }

    /** Bit for bit on cpu; within the batch-norm tolerance of the other golden tests elsewhere. */
    private static void same(JsonNode expected, Tensor actual, String what) {
        if (!EXACT) {
            assertClose(expected, actual, 1e-5, 1e-4, what);
            return;
        }
        assertArrayEquals(Golden.floats(expected.get("data")), actual.toFloatArray(), what);
    }
}
