package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;

/**
 * A 2-d convolution layer over {@code [N, C, H, W]}, PyTorch's {@code nn.Conv2d}: weight
 * {@code [out, in/groups, k, k]}, bias {@code [out]}, zero padding, cross-correlation, both
 * initialised as PyTorch does (kaiming-uniform with a = √5, bias uniform ±1/√fan_in). The
 * arithmetic is {@link Variable#conv2d}, so it runs on either backend.
 *
 * <pre>{@code
 * Conv2d conv = new Conv2d(1, 32, 3, 1, 1);                                   // 3x3, stride 1, padding 1
 * Variable y = conv.forward(Variable.constant(Tensor.zeros(8, 1, 28, 28)));   // [8, 32, 28, 28]
 * }</pre>
 */
public class Conv2d extends Module {
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int dilation;
    private final int groups;
    private final Parameter weight;
    private final Parameter bias;

    /** Stride 1, no padding, with bias. */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0);
    }

    /** With bias, dilation 1 and one group. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, padding, 1, 1, true, Rng.global());
    }

    /** Every option of PyTorch's {@code nn.Conv2d} (square kernels, zero padding), initialised from {@code rng}. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups,
                  boolean bias, Rng rng) {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || stride <= 0 || padding < 0 || dilation <= 0
                || groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("Conv2d: invalid options in_channels=" + inChannels + ", out_channels="
                    + outChannels + ", kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding
                    + ", dilation=" + dilation + ", groups=" + groups + " (sizes positive, padding >= 0, channels"
                    + " divisible by groups)");
        }
        this.in = inChannels;
        this.out = outChannels;
        this.kernel = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        this.weight = registerParameter("weight",
                new Parameter(Tensor.zeros(outChannels, inChannels / groups, kernelSize, kernelSize)));
        this.bias = bias ? registerParameter("bias", new Parameter(Tensor.zeros(outChannels))) : null;
        Init.layerDefault(weight.value(), bias ? this.bias.value() : null, rng);
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null for a layer built without one. */
    public Parameter bias() {
        return bias;
    }

    public int inChannels() {
        return in;
    }

    public int outChannels() {
        return out;
    }

    /** The side of the square kernel. */
    public int kernelSize() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    /** Zero padding on each side. */
    public int padding() {
        return padding;
    }

    public int dilation() {
        return dilation;
    }

    public int groups() {
        return groups;
    }

    @Override
    public Variable forward(Variable x) {
        long[] s = x.shape();
        if (s.length != 4 || s[1] != in) {
            throw new IllegalArgumentException("Conv2d(" + in + ", " + out + ", kernel_size=" + kernel
                    + ").forward: expected input [N, " + in + ", H, W], got " + Shapes.str(s));
        }
        return x.conv2d(weight, bias, stride, padding, dilation, groups);
    }

    @Override
    protected String extraRepr() {
        return in + ", " + out + ", kernel_size=(" + kernel + ", " + kernel + "), stride=(" + stride + ", " + stride + ")"
                + (padding == 0 ? "" : ", padding=(" + padding + ", " + padding + ")")
                + (dilation == 1 ? "" : ", dilation=(" + dilation + ", " + dilation + ")")
                + (groups == 1 ? "" : ", groups=" + groups) + (bias == null ? ", bias=False" : "");
    }
}
