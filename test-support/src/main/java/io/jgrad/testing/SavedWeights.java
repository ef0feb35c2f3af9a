package io.jgrad.testing;

import io.jgrad.nn.SafeTensors;
import io.jgrad.tensor.Tensor;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Compares two saved state dicts bit for bit: the kill-and-resume tests' final check that a run
 * killed and resumed ends with exactly the uninterrupted run's weights.
 */
public final class SavedWeights {
    private SavedWeights() {
    }

    /** Fails unless the two safetensors files hold the same keys and bit-identical values; returns a line describing them. */
    public static String assertBitIdentical(Path expected, Path actual) {
        Map<String, Tensor> a = SafeTensors.load(expected);
        Map<String, Tensor> b = SafeTensors.load(actual);
        if (!a.keySet().equals(b.keySet())) {
            throw new AssertionError("keys differ: " + a.keySet() + " (uninterrupted) vs " + b.keySet() + " (killed and resumed)");
        }
        long values = 0;
        for (String k : a.keySet()) {
            double[] x = a.get(k).toDoubleArray();
            double[] y = b.get(k).toDoubleArray();
            if (x.length != y.length) {
                throw new AssertionError(k + ": " + x.length + " values (uninterrupted) vs " + y.length + " (killed and resumed)");
            }
            for (int i = 0; i < x.length; i++) {
                if (Double.doubleToRawLongBits(x[i]) != Double.doubleToRawLongBits(y[i])) {
                    throw new AssertionError(k + "[" + i + "]: " + x[i] + " (uninterrupted) vs " + y[i] + " (killed and resumed)");
                }
            }
            values += x.length;
        }
        return String.format(Locale.ROOT, "%d tensors, %d values bit-identical (0.weight[0] = %s in both)", a.size(), values,
                Float.toString((float) a.get("0.weight").toDoubleArray()[0]));
    }
}
