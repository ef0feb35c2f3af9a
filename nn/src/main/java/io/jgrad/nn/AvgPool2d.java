package io.jgrad.nn;

import io.jgrad.autograd.Variable;

/**
 * Average pooling over square windows of {@code [N, C, H, W]}, PyTorch's {@code nn.AvgPool2d} (stride defaults to the kernel).
 *
 * <pre>{@code
 * Variable y = new AvgPool2d(2).forward(x);   // [N, C, 28, 28] -> [N, C, 14, 14]
 * }</pre>
 */
public class AvgPool2d extends Pool2d {
    public AvgPool2d(int kernelSize) {
        this(kernelSize, kernelSize);
    }

    public AvgPool2d(int kernelSize, int stride) {
        this(kernelSize, stride, 0);
    }

    /** With zero padding of {@code padding} on each side, counted in the average (PyTorch's default). */
    public AvgPool2d(int kernelSize, int stride, int padding) {
        super(kernelSize, stride, padding);
    }

    @Override
    public Variable forward(Variable x) {
        return x.avgPool2d(kernel, stride, padding);
    }
}
