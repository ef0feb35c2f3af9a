package io.jgrad.tensor.backend;

/**
 * The geometry of one 2-d sliding-window op (convolution or pooling) over {@code [N, C, H, W]}:
 * kernel, stride, zero padding and dilation per spatial axis, as PyTorch's {@code Conv2d} and
 * {@code MaxPool2d} take them. One record so the kernels of both backends agree on every size.
 */
public record Conv2dSpec(int kH, int kW, int sH, int sW, int pH, int pW, int dH, int dW) {
    public Conv2dSpec {
        if (kH <= 0 || kW <= 0 || sH <= 0 || sW <= 0 || pH < 0 || pW < 0 || dH <= 0 || dW <= 0) {
            throw new IllegalArgumentException("Conv2dSpec: kernel, stride and dilation must be positive and padding"
                    + " non-negative, got " + this);
        }
    }

    /** A square window: kernel {@code k}, stride {@code s}, padding {@code p}, dilation {@code d}. */
    public static Conv2dSpec square(int k, int s, int p, int d) {
        return new Conv2dSpec(k, k, s, s, p, p, d, d);
    }

    /** The output height for input height {@code h}: {@code ⌊(h + 2p − d(k − 1) − 1)/s⌋ + 1}. */
    public long outH(long h) {
        return Math.floorDiv(h + 2L * pH - (long) dH * (kH - 1) - 1, sH) + 1;
    }

    /** The output width for input width {@code w}. */
    public long outW(long w) {
        return Math.floorDiv(w + 2L * pW - (long) dW * (kW - 1) - 1, sW) + 1;
    }

    @Override
    public String toString() {
        return "kernel=(" + kH + ", " + kW + "), stride=(" + sH + ", " + sW + "), padding=(" + pH + ", " + pW
                + "), dilation=(" + dH + ", " + dW + ")";
    }
}
