package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgrad.tensor.DType;
import io.jgrad.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code argmax} (INT64 results, PyTorch's first index on ties) and {@code maskedFill} (values
 * and the gradient of {@code sum(y·gout)}) against PyTorch 2.13, from {@code golden/seq_int.json}
 * written by {@code tools/golden/gen_seq_int.py}.
 */
class IntOpsGoldenTest {

    @TestFactory
    Stream<DynamicTest> matchPyTorch() throws IOException {
        JsonNode root;
        try (InputStream in = IntOpsGoldenTest.class.getResourceAsStream("/golden/seq_int.json")) {
            if (in == null) {
                throw new IllegalStateException("golden/seq_int.json is missing; run tools/golden/gen_seq_int.py");
            }
            root = new ObjectMapper().readTree(in).get("cases");
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("argmax")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> argmax(c)));
        }
        for (JsonNode c : root.get("masked")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> masked(c)));
        }
        return tests.stream();
    }

    private static void argmax(JsonNode c) {
        Variable x = Variable.of(floats(c.get("x")), true);
        Variable y = x.argmax(c.get("dim").asInt(), c.get("keepdim").asBoolean());
        assertEquals(DType.INT64, y.value().dtype());
        assertArrayEquals(shape(c.get("y")), y.shape());
        assertArrayEquals(longs(c.get("y")), y.value().toLongArray());
    }

    private static void masked(JsonNode c) {
        Variable x = Variable.of(floats(c.get("x")), true);
        JsonNode m = c.get("mask");
        Tensor mask = c.get("maskFloat").asBoolean() ? floats(m) : Tensor.ofLongs(longs(m), shape(m));
        Variable y = x.maskedFill(mask, c.get("value").asDouble());
        assertClose(c.get("y"), y.value(), "y");
        y.mul(Variable.constant(floats(c.get("gout")))).sum().backward();
        assertClose(c.get("dx"), x.grad(), "dx");
    }

    static long[] shape(JsonNode t) {
        long[] out = new long[t.get("shape").size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.get("shape").get(i).asLong();
        }
        return out;
    }

    static long[] longs(JsonNode t) {
        long[] out = new long[t.get("data").size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.get("data").get(i).asLong();
        }
        return out;
    }

    static Tensor floats(JsonNode t) {
        float[] out = new float[t.get("data").size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) t.get("data").get(i).asDouble();
        }
        return Tensor.of(out, shape(t));
    }

    static void assertClose(JsonNode expected, Tensor actual, String what) {
        assertArrayEquals(shape(expected), actual.shape(), what + " shape");
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            double e = expected.get("data").get(i).asDouble();
            assertEquals(e, a[i], 1e-5 + 1e-5 * Math.abs(e), what + " element " + i);
        }
    }
}
