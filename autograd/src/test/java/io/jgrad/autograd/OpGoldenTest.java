package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every op's float32 forward value and input gradients against PyTorch's, for the cases in
 * {@code golden/autograd.json} (written by {@code tools/golden/gen_autograd.py}): the loss is
 * {@code sum(op(inputs) * weights)}, broadcasting and edge cases (log(0), logits near ±1000) included.
 */
class OpGoldenTest {
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-5;

    @TestFactory
    Stream<DynamicTest> everyOpMatchesPyTorch() throws IOException {
        JsonNode root;
        try (InputStream in = OpGoldenTest.class.getResourceAsStream("/golden/autograd.json")) {
            if (in == null) {
                throw new IllegalStateException("golden/autograd.json is missing; run tools/golden/gen_autograd.py");
            }
            root = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build().readTree(in);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
        }
        return tests.stream();
    }

    private static void check(JsonNode c) {
        JsonNode ins = c.get("inputs");
        Variable[] vars = new Variable[ins.size()];
        for (int i = 0; i < vars.length; i++) {
            vars[i] = Variable.of(tensor(ins.get(i)), ins.get(i).get("requiresGrad").asBoolean());
        }
        Variable out = apply(c.get("op").asText(), c.get("args"), vars);
        assertClose("output", c.get("output"), out.value());

        out.mul(Variable.constant(tensor(c.get("weights")))).sum().backward();
        for (int i = 0; i < vars.length; i++) {
            assertArrayEquals(tensor(ins.get(i)).toFloatArray(), vars[i].value().toFloatArray(),
                    "input " + i + " was modified");
        }
        for (int i = 0; i < vars.length; i++) {
            JsonNode expected = c.get("grads").get(i);
            if (expected.isNull()) {
                assertNull(vars[i].grad(), "input " + i + " requires no grad but got one");
            } else {
                assertClose("grad of input " + i, expected, vars[i].grad());
            }
        }
    }

    /** The jgrad call each op name in the golden file stands for. */
    static Variable apply(String op, JsonNode args, Variable[] v) {
        switch (op) {
            case "add": return v[0].add(v[1]);
            case "sub": return v[0].sub(v[1]);
            case "mul": return v[0].mul(v[1]);
            case "div": return v[0].div(v[1]);
            case "matmul": return v[0].matmul(v[1]);
            case "neg": return v[0].neg();
            case "exp": return v[0].exp();
            case "log": return v[0].log();
            case "relu": return v[0].relu();
            case "sigmoid": return v[0].sigmoid();
            case "tanh": return v[0].tanh();
            case "pow": return v[0].pow(args.get("p").asDouble());
            case "add_scalar": return v[0].add(args.get("s").asDouble());
            case "mul_scalar": return v[0].mul(args.get("s").asDouble());
            case "sum_all": return v[0].sum();
            case "mean_all": return v[0].mean();
            case "sum": return v[0].sum(args.get("axis").asInt(), args.get("keepDims").asBoolean());
            case "mean": return v[0].mean(args.get("axis").asInt(), args.get("keepDims").asBoolean());
            case "reshape": return v[0].reshape(longs(args.get("shape")));
            case "transpose": return v[0].transpose();
            case "softmax": return v[0].softmax(args.get("axis").asInt());
            case "logSoftmax": return v[0].logSoftmax(args.get("axis").asInt());
            case "transpose2": return v[0].transpose(args.get("dim0").asInt(), args.get("dim1").asInt());
            case "permute": return v[0].permute(ints(args.get("dims")));
            case "unsqueeze": return v[0].unsqueeze(args.get("dim").asInt());
            case "squeeze": return v[0].squeeze(args.get("dim").asInt());
            case "narrow": return v[0].narrow(args.get("dim").asInt(), args.get("start").asLong(), args.get("length").asLong());
            case "cat": return Variable.cat(args.get("dim").asInt(), v);
            case "stack": return Variable.stack(args.get("dim").asInt(), v);
            case "abs": return v[0].abs();
            case "sqrt": return v[0].sqrt();
            case "sin": return v[0].sin();
            case "cos": return v[0].cos();
            case "clamp": return v[0].clamp(args.get("min").asDouble(), args.get("max").asDouble());
            case "max": return v[0].max(args.get("dim").asInt(), args.get("keepDims").asBoolean());
            case "min": return v[0].min(args.get("dim").asInt(), args.get("keepDims").asBoolean());
            case "gelu": return v[0].gelu();
            case "conv2d": return v[0].conv2d(v[1], v.length > 2 ? v[2] : null, args.get("stride").asInt(),
                    args.get("padding").asInt(), args.get("dilation").asInt(), args.get("groups").asInt());
            case "maxPool2d": return v[0].maxPool2d(args.get("kernel").asInt(), args.get("stride").asInt(), args.get("padding").asInt());
            case "avgPool2d": return v[0].avgPool2d(args.get("kernel").asInt(), args.get("stride").asInt(), args.get("padding").asInt());
            default: throw new IllegalArgumentException("golden file names an unknown op: " + op);
        }
    }

    private static Tensor tensor(JsonNode t) {
        JsonNode data = t.get("data");
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) data.get(i).asDouble();
        }
        return Tensor.of(values, longs(t.get("shape")));
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    /** Same shape, and each element within ATOL + RTOL·|expected| (infinities and NaN must match exactly). */
    private static void assertClose(String what, JsonNode expected, Tensor actual) {
        assertArrayEquals(longs(expected.get("shape")), actual.shape(), what + ": shape");
        float[] got = actual.toFloatArray();
        JsonNode data = expected.get("data");
        assertEquals(data.size(), got.length, what + ": element count");
        for (int i = 0; i < got.length; i++) {
            double want = data.get(i).asDouble();
            boolean ok = Double.isNaN(want) ? Float.isNaN(got[i])
                    : Double.isInfinite(want) ? want == got[i]
                    : Math.abs(got[i] - want) <= ATOL + RTOL * Math.abs(want);
            if (!ok) {
                fail(what + " " + Shapes.str(actual.shape()) + " element " + i + ": jgrad " + got[i]
                        + ", PyTorch " + want);
            }
        }
    }
}
