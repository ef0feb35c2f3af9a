package io.jgrad.nn;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;

/**
 * Weight initialisers with PyTorch's formulas ({@code torch.nn.init}). Each fills a tensor in
 * place from a seeded {@link Rng}; fan-in and fan-out follow PyTorch (dimension 1 and 0 of a
 * 2-d weight).
 */
public final class Init {
    private Init() {
    }

    /** PyTorch's gain for a nonlinearity: relu √2, leaky_relu √(2/(1+a²)), tanh 5/3, linear/sigmoid 1. */
    public static double gain(String nonlinearity, double param) {
        switch (nonlinearity) {
            case "linear":
            case "sigmoid":
                return 1.0;
            case "tanh":
                return 5.0 / 3;
            case "relu":
                return Math.sqrt(2.0);
            case "leaky_relu":
                return Math.sqrt(2.0 / (1 + param * param));
            default:
                throw new IllegalArgumentException("Init.gain: unknown nonlinearity '" + nonlinearity + "'");
        }
    }

    /** Fan-in of a weight: its second dimension (times any receptive field), or its size for 1-d. */
    public static long fanIn(Tensor w) {
        long[] s = w.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException("Init: fan in needs at least 2 dimensions, got " + java.util.Arrays.toString(s));
        }
        return w.size() / s[0];
    }

    /** Fan-out of a weight: its first dimension (times any receptive field). */
    public static long fanOut(Tensor w) {
        long[] s = w.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException("Init: fan out needs at least 2 dimensions, got " + java.util.Arrays.toString(s));
        }
        return w.size() / s[1];
    }

    /** Fills {@code t} uniform in [lo, hi). */
    public static void uniform(Tensor t, double lo, double hi, Rng rng) {
        t.array().assign(Tensor.uniform(rng, lo, hi, t.shape()).to(t.dtype()).array());
    }

    /** Fills {@code t} from N(mean, std²). */
    public static void normal(Tensor t, double mean, double std, Rng rng) {
        float[] v = rng.normal((int) t.size(), mean, std);
        t.array().assign(Tensor.of(v, t.shape()).to(t.dtype()).array());
    }

    /** Fills {@code t} with a constant. */
    public static void constant(Tensor t, double value) {
        t.array().assign(value);
    }

    /** Fills {@code t} with zeros. */
    public static void zeros(Tensor t) {
        constant(t, 0);
    }

    /** {@code kaiming_uniform_(t, a, mode='fan_in', nonlinearity)}: bound = gain·√(3/fan_in). */
    public static void kaimingUniform(Tensor t, double a, String nonlinearity, Rng rng) {
        double bound = gain(nonlinearity, a) * Math.sqrt(3.0 / fanIn(t));
        uniform(t, -bound, bound, rng);
    }

    /**
     * PyTorch's default initialisation of {@code nn.Linear} and {@code nn.Conv2d} ({@code reset_parameters}):
     * weight kaiming-uniform with a = √5 (uniform ±1/√fan_in), bias (may be null) uniform ±1/√fan_in.
     */
    public static void layerDefault(Tensor weight, Tensor bias, Rng rng) {
        kaimingUniform(weight, Math.sqrt(5), "leaky_relu", rng);
        if (bias != null) {
            double bound = 1 / Math.sqrt(fanIn(weight));
            uniform(bias, -bound, bound, rng);
        }
    }

    /** {@code kaiming_normal_(t, a, mode='fan_in', nonlinearity)}: std = gain/√fan_in. */
    public static void kaimingNormal(Tensor t, double a, String nonlinearity, Rng rng) {
        normal(t, 0, gain(nonlinearity, a) / Math.sqrt(fanIn(t)), rng);
    }

    /** {@code xavier_uniform_(t, gain)}: bound = gain·√(6/(fan_in + fan_out)). */
    public static void xavierUniform(Tensor t, double gain, Rng rng) {
        double bound = gain * Math.sqrt(6.0 / (fanIn(t) + fanOut(t)));
        uniform(t, -bound, bound, rng);
    }

    /** {@code xavier_normal_(t, gain)}: std = gain·√(2/(fan_in + fan_out)). */
    public static void xavierNormal(Tensor t, double gain, Rng rng) {
        normal(t, 0, gain * Math.sqrt(2.0 / (fanIn(t) + fanOut(t))), rng);
    }
}
