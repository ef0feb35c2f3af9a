package io.jgrad.tensor;

/**
 * What is known about the values of an INT64 tensor made from JVM data ({@link Tensor#ofLongs}):
 * the two smallest and the two largest distinct values, taken while the values were on the heap
 * anyway. That is enough to decide exactly, without reading the tensor back, whether every
 * value is an index in {@code [0, bound)} ({@link #within}) or a class in {@code [0, bound)} or
 * the ignore index ({@link #classesWithin}): the values outside the range may only be the
 * ignore index, so the smallest must be it with the next one in range, or likewise the largest.
 * On the {@code nd4j} backend this lets embeddings and token cross-entropy check their indices
 * with no transfer; an index tensor computed on the device has no range and is read to check it.
 */
public final class IndexRange {
    private final long min;
    private final long nextMin;     // the smallest value above min, or min when all values are equal
    private final long max;
    private final long nextMax;     // the largest value below max, or max when all values are equal

    private IndexRange(long min, long nextMin, long max, long nextMax) {
        this.min = min;
        this.nextMin = nextMin;
        this.max = max;
        this.nextMax = nextMax;
    }

    /** The range of {@code values}, or null when there are none. */
    static IndexRange of(long[] values) {
        if (values.length == 0) {
            return null;
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        long nextMin = max;
        long nextMax = min;
        for (long v : values) {
            if (v > min) {
                nextMin = Math.min(nextMin, v);
            }
            if (v < max) {
                nextMax = Math.max(nextMax, v);
            }
        }
        return new IndexRange(min, nextMin, max, nextMax);
    }

    /** Whether every value is in {@code [0, bound)}. */
    public boolean within(long bound) {
        return min >= 0 && max < bound;
    }

    /** Whether every value is in {@code [0, bound)} or equal to {@code ignoreIndex}. */
    public boolean classesWithin(long bound, long ignoreIndex) {
        boolean low = min >= 0 || min == ignoreIndex && (nextMin == min || nextMin >= 0);
        boolean high = max < bound || max == ignoreIndex && (nextMax == max || nextMax < bound);
        return low && high;
    }

    @Override
    public String toString() {
        return "IndexRange[" + min + ", " + max + "]";
    }
}
