package io.jgrad.tensor.backend;

/**
 * The recurrent cells' activations as plain float arithmetic the JIT turns into SIMD code.
 * {@code Math.exp} and {@code Math.tanh} are scalar calls: five per LSTM unit and step made the
 * JVM cell loop ~0.4 ms of a W8 step's 100 cells each. Here tanh is a rational function (the
 * minimax coefficients of Eigen's {@code generic_fast_tanh_float}), clamped where it reaches ±1
 * in float, and the logistic sigmoid is
 * {@code ½ + ½·tanh(x/2)}: multiplies, adds, one divide, a min and a max. Largest error against
 * the exact functions: 4e-7 absolute (a few float ulps near ±1), measured in {@code GateMathTest}.
 *
 * <p>How to write such a loop, measured with C2 (JDK 17): index every array with one and the
 * same expression (with two different offsets into arrays that may be the same one, C2 cannot
 * prove the store does not overlap a load, and leaves the loop scalar), and keep each loop to a
 * few arrays and one store: an LSTM cell as one loop over seven arrays ran at 150 µs for
 * 64×128 units, as two loops at 13 µs; its backward over twelve arrays at 230 µs, as seven at 27 µs.
 */
final class GateMath {
    /** Beyond this, tanh is ±1 to within float rounding of the rational form. */
    private static final float CLAMP = 7.99881172180175781f;

    private GateMath() {
    }

    /** tanh(x) to within 4e-7 (NaN stays NaN). */
    static float tanh(float x) {
        float v = Math.max(-CLAMP, Math.min(CLAMP, x));
        float v2 = v * v;
        float p = v2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
        p = v2 * p + -8.60467152213735e-11f;
        p = v2 * p + 5.12229709037114e-08f;
        p = v2 * p + 1.48572235717979e-05f;
        p = v2 * p + 6.37261928875436e-04f;
        p = v2 * p + 4.89352455891786e-03f;
        float q = v2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
        q = v2 * q + 2.26843463243900e-03f;
        q = v2 * q + 4.89352518554385e-03f;
        return v * p / q;
    }

    /** The logistic sigmoid {@code 1/(1+e^-x)} as {@code ½ + ½·tanh(x/2)}, to within 2e-7. */
    static float sigmoid(float x) {
        return 0.5f + 0.5f * tanh(0.5f * x);
    }

    /** {@code a[k] = σ(a[k])} for {@code k < n}. */
    static void sigmoidInPlace(float[] a, int n) {
        sigmoidInPlace(a, 0, n);
    }

    /** {@code a[k] = σ(a[k])} for {@code from <= k < to}. */
    static void sigmoidInPlace(float[] a, int from, int to) {
        for (int k = from; k < to; k++) {
            a[k] = 0.5f * tanh(0.5f * a[k]) + 0.5f;
        }
    }

    /** {@code a[k] = tanh(a[k])} for {@code k < n}. */
    static void tanhInPlace(float[] a, int n) {
        tanhInPlace(a, 0, n);
    }

    /** {@code a[k] = tanh(a[k])} for {@code from <= k < to}. */
    static void tanhInPlace(float[] a, int from, int to) {
        for (int k = from; k < to; k++) {
            a[k] = tanh(a[k]);
        }
    }

    /** {@code a[k] += b[k]} for {@code k < n}. */
    static void add(float[] a, float[] b, int n) {
        add(a, b, 0, n);
    }

    /** {@code a[k] += b[k]} for {@code from <= k < to}. */
    static void add(float[] a, float[] b, int from, int to) {
        for (int k = from; k < to; k++) {
            a[k] += b[k];
        }
    }
}
