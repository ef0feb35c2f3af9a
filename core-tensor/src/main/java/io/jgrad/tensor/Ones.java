package io.jgrad.tensor;

import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cached arrays of ones, such as the seed gradient {@code dL/dL = 1} of every
 * {@code backward()}: one allocation per type and shape instead of one per call. The arrays
 * are shared and must never be written into (the engine copies before accumulating).
 */
public final class Ones {
    private static final ConcurrentHashMap<String, INDArray> LIKE = new ConcurrentHashMap<>();

    private Ones() {
    }

    /**
     * A shared, read-only array of ones with {@code a}'s type and shape, for a one-element
     * {@code a} (the seed gradient of {@code backward()}).
     */
    public static INDArray scalarLike(INDArray a) {
        if (a.length() != 1) {
            return Nd4j.onesLike(a);
        }
        return LIKE.computeIfAbsent(a.dataType() + java.util.Arrays.toString(a.shape()), k -> Nd4j.onesLike(a));
    }
}
