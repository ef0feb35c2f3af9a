package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fused Adam and SGD-momentum passes ({@link UpdateKernels} over {@link HostChunks}) against
 * the same updates written element by element in PyTorch's float order, bit for bit: lengths
 * that are not whole chunks or whole vectors (the JIT's scalar pre- and post-loops), several
 * chunks, and a pass long enough to be cut over the cores; with and without weight decay; data
 * that reaches the awkward corners (zero and subnormal gradients, zero and subnormal second
 * moments). A chunk copied back to the wrong place, a skipped tail, or any change in the float
 * arithmetic fails it.
 */
class UpdateKernelsTest {
    private static final int[] LENGTHS = {1, 15, 17, 63, HostChunks.CHUNK - 1, HostChunks.CHUNK + 1,
            3 * HostChunks.CHUNK + 7, HostChunks.SPLIT_ELEMENTS + 4099};

    @Test
    void adamMatchesTheElementwiseFormBitForBit() {
        Random r = new Random(23);
        for (double wd : new double[] {0, 0.01}) {
            for (int n : LENGTHS) {
                for (int step : new int[] {1, 9}) {
                    float[][] a = data(r, n);
                    double beta1 = 0.9;
                    double beta2 = 0.999;
                    double stepSize = 1e-3 / (1 - Math.pow(beta1, step));
                    double bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
                    INDArray p = array(a[0]);
                    INDArray m = array(a[2]);
                    INDArray v = array(a[3]);
                    UpdateKernels.adam(p, array(a[1]), m, v, beta1, beta2, 1e-8, wd, stepSize, bias2Sqrt);
                    adamReference(a, beta1, beta2, 1e-8, wd, stepSize, bias2Sqrt);
                    String what = "adam n=" + n + " wd=" + wd + " step=" + step;
                    same(a[0], p, what + ", parameter");
                    same(a[2], m, what + ", exp_avg");
                    same(a[3], v, what + ", exp_avg_sq");
                }
            }
        }
    }

    /**
     * Many steps with some gradients exactly zero, so that first moments sink into the subnormal
     * range and stick there ({@link AdamPass} sets them aside): every step bit for bit, with moments of
     * every size of subnormal and both signs, parameters of every size down to ±0 and subnormals (which
     * must not be set aside), zero and subnormal second moments, and constants for which nothing may be
     * set aside (ε 0, β₁ below 0.5, weight decay) or only large parameters may (a huge step size).
     */
    @Test
    void adamKeepsStuckSubnormalMomentsBitForBit() {
        Random r = new Random(31);
        double[][] settings = {     // beta1, eps, weight decay, lr
            {0.9, 1e-8, 0, 1e-3}, {0.9, 1e-8, 0, 1e3}, {0.5, 1e-3, 0, 0.1}, {0.99, 1e-30, 0, 1e-3}, {0.75, 1e-8, 0, 1e-2},
            {0.9, 0, 0, 1e-3}, {0.3, 1e-8, 0, 1e-3}, {0.9, 1e-8, 1e-2, 1e-3}, {0.9, 1e-8, 0, 0}};
        for (double[] s : settings) {
            for (int n : new int[] {HostChunks.CHUNK + 17, 3 * HostChunks.CHUNK - 5}) {
                float[][] a = new float[4][n];
                for (int i = 0; i < n; i++) {
                    a[0][i] = switch (i % 9) {
                        case 0 -> 0f;
                        case 1 -> -0f;
                        case 2 -> Float.intBitsToFloat(r.nextInt(1 << 23));                 // subnormal
                        case 3 -> (float) r.nextGaussian() * 1e-30f;
                        case 4 -> (float) Math.scalb(r.nextGaussian(), -60 - r.nextInt(60));
                        default -> (float) r.nextGaussian();
                    };
                    a[1][i] = i % 3 == 0 ? (float) r.nextGaussian() * 0.01f : (i % 2 == 0 ? 0f : -0f);
                    int units = switch (i % 5) {
                        case 0 -> 1 + r.nextInt(4);
                        case 1 -> 100 + r.nextInt(40);                                        // around the 127 limit
                        case 2 -> 1 + r.nextInt(1 << 23);
                        default -> -1;
                    };
                    a[2][i] = units < 0 ? (float) r.nextGaussian() * 1e-3f : Float.intBitsToFloat(units)
                            * (r.nextBoolean() ? 1 : -1);
                    a[3][i] = switch (i % 7) {
                        case 0 -> 0f;
                        case 1 -> Float.intBitsToFloat(1 + r.nextInt(1000));
                        default -> r.nextFloat() * 1e-6f;
                    };
                    int inChunk = i % HostChunks.CHUNK;
                    if (inChunk < 3 || inChunk >= HostChunks.CHUNK - 3 || i >= n - 3) {   // chunk ends: stuck moments
                        a[0][i] = (float) r.nextGaussian();
                        a[1][i] = 0f;
                        a[2][i] = Float.intBitsToFloat(1 + r.nextInt(127)) * (r.nextBoolean() ? 1 : -1);
                    }
                }
                INDArray p = array(a[0]);
                INDArray g = array(a[1]);
                INDArray m = array(a[2]);
                INDArray v = array(a[3]);
                for (int step = 1; step <= 40; step++) {
                    double stepSize = s[3] / (1 - Math.pow(s[0], step));
                    double bias2Sqrt = Math.sqrt(1 - Math.pow(0.999, step));
                    UpdateKernels.adam(p, g, m, v, s[0], 0.999, s[1], s[2], stepSize, bias2Sqrt);
                    adamReference(a, s[0], 0.999, s[1], s[2], stepSize, bias2Sqrt);
                    String what = "adam beta1=" + s[0] + " eps=" + s[1] + " wd=" + s[2] + " lr=" + s[3] + " n=" + n
                            + " step " + step;
                    same(a[0], p, what + ", parameter");
                    same(a[2], m, what + ", exp_avg");
                    same(a[3], v, what + ", exp_avg_sq");
                }
            }
        }
    }

    /**
     * The set-aside moment's integer rounding, rint(k·β₁), against the float product for every
     * subnormal k up to 2¹⁶ and every 37th above it, both signs, under five β₁: one step with zero
     * gradients and unit parameters, so that every such moment is set aside.
     */
    @Test
    void adamRoundsEverySubnormalMomentAsTheFloatProduct() {
        int n = 0;
        int[] units = new int[(1 << 16) + ((1 << 23) - (1 << 16)) / 37 + 1];
        for (int k = 1; k < 1 << 23; k += k < 1 << 16 ? 1 : 37) {
            units[n++] = k;
        }
        for (double beta1 : new double[] {0.9, 0.75, 0.99, 0.999, 0.6}) {
            float[][] a = new float[4][n];
            for (int i = 0; i < n; i++) {
                a[0][i] = 1f;
                a[1][i] = i % 2 == 0 ? 0f : -0f;
                a[2][i] = Float.intBitsToFloat(units[i] | (i % 3 == 0 ? 0x80000000 : 0));
                a[3][i] = 1e-6f;
            }
            INDArray p = array(a[0]);
            INDArray m = array(a[2]);
            INDArray v = array(a[3]);
            UpdateKernels.adam(p, array(a[1]), m, v, beta1, 0.999, 1e-8, 0, 1e-3 / (1 - beta1), Math.sqrt(0.001));
            adamReference(a, beta1, 0.999, 1e-8, 0, 1e-3 / (1 - beta1), Math.sqrt(0.001));
            same(a[2], m, "adam beta1=" + beta1 + ", every subnormal exp_avg");
            same(a[0], p, "adam beta1=" + beta1 + ", parameter");
            same(a[3], v, "adam beta1=" + beta1 + ", exp_avg_sq");
        }
    }

    @Test
    void sgdMomentumMatchesTheElementwiseFormBitForBit() {
        Random r = new Random(29);
        for (double wd : new double[] {0, 5e-4}) {
            for (boolean nesterov : new boolean[] {false, true}) {
                for (int n : LENGTHS) {
                    float[][] a = data(r, n);
                    double dampening = nesterov ? 0 : 0.1;
                    INDArray p = array(a[0]);
                    INDArray buf = array(a[2]);
                    UpdateKernels.sgdMomentum(p, array(a[1]), buf, 0.05, 0.9, dampening, nesterov, wd);
                    sgdReference(a, 0.05, 0.9, dampening, nesterov, wd);
                    String what = "sgd n=" + n + " wd=" + wd + " nesterov=" + nesterov;
                    same(a[0], p, what + ", parameter");
                    same(a[2], buf, what + ", momentum_buffer");
                }
            }
        }
    }

    /** PyTorch 1.13's single-tensor Adam, one element at a time, in float as torch computes it. */
    private static void adamReference(float[][] a, double beta1, double beta2, double eps, double weightDecay,
                                      double stepSize, double bias2Sqrt) {
        float wd = (float) weightDecay;
        for (int i = 0; i < a[0].length; i++) {
            float p = a[0][i];
            float d = wd == 0 ? a[1][i] : a[1][i] + wd * p;                          // grad.add(param, alpha=wd)
            float m = a[2][i] * (float) beta1 + (float) (1 - beta1) * d;            // exp_avg.mul_(b1).add_(d, alpha=1-b1)
            float v = a[3][i] * (float) beta2 + (float) (1 - beta2) * d * d;        // exp_avg_sq.mul_(b2).addcmul_(d, d, 1-b2)
            float denom = (float) Math.sqrt(v) / (float) bias2Sqrt + (float) eps;   // (sqrt / bias_correction2_sqrt).add_(eps)
            a[0][i] = p + (float) -stepSize * (m / denom);                          // param.addcdiv_(m, denom, -step_size)
            a[2][i] = m;
            a[3][i] = v;
        }
    }

    /** PyTorch 1.13's single-tensor SGD with an existing momentum buffer, one element at a time. */
    private static void sgdReference(float[][] a, double lr, double momentum, double dampening, boolean nesterov,
                                     double weightDecay) {
        float wd = (float) weightDecay;
        float mu = (float) momentum;
        for (int i = 0; i < a[0].length; i++) {
            float p = a[0][i];
            float d = wd == 0 ? a[1][i] : a[1][i] + wd * p;
            float b = a[2][i] * mu + (float) (1 - dampening) * d;
            a[0][i] = p + (float) -lr * (nesterov ? d + mu * b : b);
            a[2][i] = b;
        }
    }

    /** Parameter, gradient, first and second moment (or momentum buffer), with zeros and subnormals mixed in. */
    private static float[][] data(Random r, int n) {
        float[][] a = new float[4][n];
        for (int i = 0; i < n; i++) {
            a[0][i] = (float) r.nextGaussian();
            a[1][i] = switch (i % 11) {
                case 3 -> 0f;
                case 7 -> (float) r.nextGaussian() * 1e-22f;                        // d² subnormal or zero
                default -> (float) r.nextGaussian() * 0.01f;
            };
            a[2][i] = (float) r.nextGaussian() * 1e-3f;
            a[3][i] = switch (i % 13) {
                case 5 -> 0f;
                case 8 -> r.nextFloat() * 1e-39f;                                   // subnormal
                default -> r.nextFloat() * 1e-5f;
            };
        }
        return a;
    }

    private static INDArray array(float[] values) {
        return Nd4j.createFromArray(values.clone());
    }

    private static void same(float[] expected, INDArray actual, String what) {
        float[] got = actual.toFloatVector();
        assertEquals(expected.length, got.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(got[i])) {
                assertEquals(expected[i], got[i], 0f, what + ": element " + i + " of " + expected.length + " is "
                        + got[i] + " (bits " + Integer.toHexString(Float.floatToRawIntBits(got[i])) + "), expected "
                        + expected[i] + " (bits " + Integer.toHexString(Float.floatToRawIntBits(expected[i])) + ")");
                throw new AssertionError(what + ": element " + i + " differs in its bits: " + got[i] + " vs " + expected[i]);
            }
        }
    }
}
