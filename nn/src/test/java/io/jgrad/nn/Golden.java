package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgrad.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads golden values written by {@code tools/golden/gen_*.py} and compares tensors with them. */
final class Golden {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Golden() {
    }

    /** The "cases" object of {@code golden/<name>}. */
    static JsonNode cases(String name) {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
            assertNotNull(in, "missing golden file " + name + "; run tools/golden/gen_*.py");
            return JSON.readTree(in).get("cases");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static long[] shape(JsonNode t) {
        JsonNode s = t.get("shape");
        long[] out = new long[s.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.get(i).asLong();
        }
        return out;
    }

    static double[] data(JsonNode t) {
        JsonNode d = t.get("data");
        double[] out = new double[d.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.get(i).asDouble();
        }
        return out;
    }

    /** A float32 tensor holding the golden values (PyTorch's float32 inputs, exactly). */
    static Tensor tensor(JsonNode t) {
        double[] d = data(t);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return Tensor.of(f, shape(t));
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    static float[] floats(JsonNode a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) a.get(i).asDouble();
        }
        return out;
    }

    /** Asserts same shape and {@code |a - e| <= atol + rtol·|e|} element-wise. */
    static void assertClose(JsonNode expected, Tensor actual, double atol, double rtol, String what) {
        assertNotNull(actual, what + " is null");
        assertArrayEquals(shape(expected), actual.shape(), what + " shape");
        double[] e = data(expected);
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            double tol = atol + rtol * Math.abs(e[i]);
            if (!(Math.abs(a[i] - e[i]) <= tol)) {
                throw new AssertionError(what + " element " + i + ": expected " + e[i] + " but got " + a[i]
                        + " (tolerance " + tol + ")");
            }
        }
    }

    /** The float32 default tolerance: atol 1e-5, rtol 1e-5. */
    static void assertClose(JsonNode expected, Tensor actual, String what) {
        assertClose(expected, actual, 1e-5, 1e-5, what);
    }

    static void assertScalar(double expected, Tensor actual, String what) {
        assertEquals(0, actual.rank(), what + " must be a scalar of shape []");
        assertEquals(expected, actual.getDouble(0), 1e-5 + 1e-5 * Math.abs(expected), what);
    }
}
