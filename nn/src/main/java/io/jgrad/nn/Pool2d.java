package io.jgrad.nn;

/**
 * What {@link MaxPool2d} and {@link AvgPool2d} share: a square window's kernel size, stride
 * (default: the kernel) and zero padding, and their PyTorch repr.
 */
public abstract class Pool2d extends Module {
    protected final int kernel;
    protected final int stride;
    protected final int padding;

    protected Pool2d(int kernelSize, int stride, int padding) {
        this.kernel = kernelSize;
        this.stride = stride;
        this.padding = padding;
    }

    /** The side of the square window. */
    public int kernelSize() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    /** Padding on each side. */
    public int padding() {
        return padding;
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding;
    }
}
