package io.jgrad.nn;

import io.jgrad.autograd.Functional;
import io.jgrad.autograd.Variable;

/**
 * Max pooling over square windows of {@code [N, C, H, W]}, PyTorch's {@code nn.MaxPool2d} (stride defaults to the kernel).
 *
 * <pre>{@code
 * Variable y = new MaxPool2d(2).forward(x);   // [N, C, 28, 28] -> [N, C, 14, 14]
 * }</pre>
 */
public class MaxPool2d extends Pool2d {
    public MaxPool2d(int kernelSize) {
        this(kernelSize, kernelSize);
    }

    public MaxPool2d(int kernelSize, int stride) {
        this(kernelSize, stride, 0);
    }

    /** With padding of {@code padding} on each side (padding never wins the max). */
    public MaxPool2d(int kernelSize, int stride, int padding) {
        super(kernelSize, stride, padding);
    }

    @Override
    public Variable forward(Variable x) {
        return x.maxPool2d(kernel, stride, padding);
    }

    /** {@code forward(relu(x))} as one fused op ({@link Functional#reluMaxPool2d}), for {@link Sequential}. */
    Variable forwardAfterRelu(Variable x) {
        return Functional.reluMaxPool2d(x, kernel, stride, padding);
    }

    @Override
    protected String extraRepr() {
        return super.extraRepr() + ", dilation=1, ceil_mode=False";
    }
}
