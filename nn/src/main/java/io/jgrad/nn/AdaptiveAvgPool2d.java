package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Shapes;

/**
 * Global average pooling, PyTorch's {@code nn.AdaptiveAvgPool2d(1)}: {@code [N, C, H, W] -> [N, C, 1, 1]},
 * the mean of each channel plane. Only output size 1 is supported.
 */
public class AdaptiveAvgPool2d extends Module {
    public AdaptiveAvgPool2d(int outputSize) {
        if (outputSize != 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: only output size 1 is supported, got " + outputSize);
        }
    }

    @Override
    public Variable forward(Variable x) {
        long[] s = x.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d(1).forward: expected input [N, C, H, W], got "
                    + Shapes.str(s));
        }
        return x.reshape(s[0], s[1], s[2] * s[3]).mean(2, true).unsqueeze(3);
    }

    @Override
    protected String extraRepr() {
        return "output_size=1";
    }
}
