package io.jgrad.tensor.backend;

/**
 * Double-precision sums over one contiguous run of floats (an image plane), as the CPU batch
 * norm and convolution bias gradient need them. Four independent accumulators instead of one:
 * Java never reorders floating-point adds, so a single running sum is one long dependency chain
 * (a few cycles per element); four chains run in parallel and keep double's accuracy.
 */
final class PlaneSums {
    private PlaneSums() {
    }

    /** {@code Σ a[off ..< off + len]}. */
    static double sum(float[] a, int off, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = off;
        int end = off + len;
        for (; i + 3 < end; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i < end; i++) {
            s0 += a[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code Σ (a[i] − mean)²} over {@code a[off ..< off + len]}. */
    static double squaredDeviations(float[] a, int off, int len, double mean) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = off;
        int end = off + len;
        for (; i + 3 < end; i += 4) {
            double d0 = a[i] - mean;
            double d1 = a[i + 1] - mean;
            double d2 = a[i + 2] - mean;
            double d3 = a[i + 3] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < end; i++) {
            double d = a[i] - mean;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code Σ (x[i] − mean)·g[i]} over the same run of both arrays. */
    static double centredDot(float[] x, float[] g, int off, int len, double mean) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = off;
        int end = off + len;
        for (; i + 3 < end; i += 4) {
            s0 += (x[i] - mean) * g[i];
            s1 += (x[i + 1] - mean) * g[i + 1];
            s2 += (x[i + 2] - mean) * g[i + 2];
            s3 += (x[i + 3] - mean) * g[i + 3];
        }
        for (; i < end; i++) {
            s0 += (x[i] - mean) * g[i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
