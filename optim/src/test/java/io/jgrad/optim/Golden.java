package io.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The golden values written by tools/golden/gen_optim.py, and tolerance checks. */
final class Golden {
    static final JsonNode ROOT = load();

    private Golden() {
    }

    private static JsonNode load() {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/optim.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    /** |a − e| ≤ rtol·|e| + atol for every element. */
    static void assertClose(String what, double[] expected, double[] actual, double rtol, double atol) {
        assertTrue(expected.length == actual.length, what + ": length " + actual.length + " vs " + expected.length);
        for (int i = 0; i < expected.length; i++) {
            double tol = rtol * Math.abs(expected[i]) + atol;
            assertTrue(Math.abs(actual[i] - expected[i]) <= tol,
                    what + "[" + i + "]: expected " + expected[i] + " got " + actual[i] + " (tol " + tol + ")");
        }
    }

    static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
