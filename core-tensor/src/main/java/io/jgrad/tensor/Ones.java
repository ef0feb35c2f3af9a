package io.jgrad.tensor;

import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cached row vectors of ones, {@code [1, n]}: a column sum {@code Σ_rows g} is the GEMM
 * {@code 1ᵀ·g}, which can accumulate into an existing buffer in one native call
 * ({@code C = 1ᵀ·g + β·C}). The arrays are shared and must never be written into.
 */
public final class Ones {
    private static final ConcurrentHashMap<Long, INDArray> CACHE = new ConcurrentHashMap<>();

    private Ones() {
    }

    private static final ConcurrentHashMap<String, INDArray> LIKE = new ConcurrentHashMap<>();

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

    /** A shared, read-only {@code [1, n]} array of ones of type {@code type}. */
    public static INDArray row(DataType type, long n) {
        if (n < 1) {
            throw new IllegalArgumentException("Ones.row: length must be positive, got " + n);
        }
        long key = n * 64 + type.ordinal();
        return CACHE.computeIfAbsent(key, k -> Nd4j.ones(type, 1, n));
    }
}
