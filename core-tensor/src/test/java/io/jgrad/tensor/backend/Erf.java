package io.jgrad.tensor.backend;

/**
 * The error function in double to within ~3e-12 (far below float32's rounding): the reference
 * the tests hold the {@code cpu} backend's float32 GELU ({@link GeluFloat}) to, since the JDK
 * has no {@code erf}. (It was the kernel's own erf before the vectorizable float form.)
 * Cubic Hermite interpolation on a table of {@code erf} and its derivative {@code 2/√π·e^{−z²}} at steps of 1/256 over {@code [0, 6]} (beyond 6, erf is 1 in double to
 * within 2e-17). The table is computed once from the series
 * {@code erf z = 2/√π·e^{−z²}·Σ 2ⁿz^{2n+1}/(1·3·…·(2n+1))}, whose terms are all positive (no
 * cancellation). Interpolation error is at most {@code h⁴/384·max|erf⁗|} ≈ 3e-12.
 */
final class Erf {
    private static final int PER_UNIT = 256;
    private static final double LIMIT = 6;
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    /** erf at k/256. */
    private static final double[] VALUE;
    /** erf' at k/256, times the step 1/256. */
    private static final double[] SLOPE;
    /** e^{−z²} at k/256. */
    private static final double[] GAUSS;

    static {
        int n = (int) (LIMIT * PER_UNIT) + 2;
        VALUE = new double[n];
        SLOPE = new double[n];
        GAUSS = new double[n];
        for (int k = 0; k < n; k++) {
            double z = (double) k / PER_UNIT;
            VALUE[k] = series(z);
            GAUSS[k] = Math.exp(-z * z);
            SLOPE[k] = TWO_OVER_SQRT_PI * GAUSS[k] / PER_UNIT;
        }
    }

    private Erf() {
    }

    /** erf(z); NaN for NaN. */
    static double erf(double z) {
        double a = Math.abs(z);
        if (!(a < LIMIT)) {
            return Double.isNaN(z) ? z : Math.copySign(1, z);
        }
        double s = a * PER_UNIT;
        int i = (int) s;
        double t = s - i;
        double t2 = t * t;
        double t3 = t2 * t;
        double v = (2 * t3 - 3 * t2 + 1) * VALUE[i] + (t3 - 2 * t2 + t) * SLOPE[i]
                + (3 * t2 - 2 * t3) * VALUE[i + 1] + (t3 - t2) * SLOPE[i + 1];
        return Math.copySign(v, z);
    }

    /**
     * {@code e^{−z²}} to ~1e-11 relative without {@code Math.exp} inside the table's range (GELU's
     * backward needs it beside erf): the tabulated {@code e^{−z₀²}} at the grid point below
     * {@code |z|} times {@code e^u}, {@code u = −(2z₀ + d)·d}, {@code d = |z| − z₀ < 1/256}, so
     * {@code |u| < 0.05} and six Taylor terms of {@code e^u} leave an error below {@code u⁷/5040}.
     */
    static double gauss(double z) {
        double a = Math.abs(z);
        if (!(a < LIMIT)) {
            return Math.exp(-z * z);
        }
        int i = (int) (a * PER_UNIT);
        double d = a - (double) i / PER_UNIT;
        double u = -(2.0 * i / PER_UNIT + d) * d;
        return GAUSS[i] * (1 + u * (1 + u * 0.5 * (1 + u * (1.0 / 3) * (1 + u * 0.25 * (1 + u * 0.2 * (1 + u * (1.0 / 6)))))));
    }

    /** The positive-term series, for the table (z ≥ 0). */
    private static double series(double z) {
        if (z == 0) {
            return 0;
        }
        double term = z;
        double sum = z;
        for (int n = 1; term > 1e-17 * sum; n++) {
            term *= 2 * z * z / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * Math.exp(-z * z) * sum;
    }
}
