package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Im2col}'s copy loops (in-image column ranges worked out once per kernel tap; at stride 1
 * with "same" width, one shifted copy per tap) against a plain per-element reference, over
 * strides, paddings and dilations that put taps wholly or partly outside the image, and
 * {@code col2im} as its adjoint.
 */
class Im2colTest {
    private static final Conv2dSpec[] SPECS = {
        Conv2dSpec.square(3, 1, 1, 1), Conv2dSpec.square(3, 2, 1, 1), Conv2dSpec.square(2, 3, 0, 1),
        Conv2dSpec.square(3, 1, 2, 2), new Conv2dSpec(3, 2, 2, 1, 0, 3, 1, 2), Conv2dSpec.square(5, 2, 4, 1),
        Conv2dSpec.square(5, 1, 2, 1), new Conv2dSpec(3, 3, 1, 1, 0, 1, 1, 1), new Conv2dSpec(2, 7, 1, 1, 3, 3, 4, 1),
        new Conv2dSpec(1, 13, 1, 1, 0, 6, 1, 1), Conv2dSpec.square(1, 1, 0, 1),
    };

    @Test
    void unfoldsLikeThePlainDefinition() {
        Random r = new Random(3);
        int c = 2;
        int h = 5;
        int w = 6;
        float[] x = new float[1 + c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() - 0.5f;
        }
        for (Conv2dSpec s : SPECS) {
            int oh = (int) s.outH(h);
            int ow = (int) s.outW(w);
            int k = c * s.kH() * s.kW();
            float[] cols = new float[2 + k * oh * ow];
            java.util.Arrays.fill(cols, 99f);                // stale scratch: every entry must be written
            Im2col.im2col(x, 1, c, h, w, s, oh, ow, cols, 2);
            float[] expected = reference(x, 1, c, h, w, s, oh, ow);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(cols, 2, cols.length), s.toString());

            float[] dcols = new float[k * oh * ow];
            for (int i = 0; i < dcols.length; i++) {
                dcols[i] = r.nextFloat() - 0.5f;
            }
            float[] dx = new float[1 + c * h * w];
            float[] stage = new float[dx.length];
            java.util.Arrays.fill(stage, 7f);                // stale scratch
            Im2col.col2im(dcols, 0, c, h, w, s, oh, ow, dx, 1, stage);
            double lhs = 0;
            for (int i = 0; i < dcols.length; i++) {
                lhs += (double) expected[i] * dcols[i];
            }
            double rhs = 0;
            for (int i = 1; i < x.length; i++) {
                rhs += (double) x[i] * dx[i];
            }
            assertEquals(lhs, rhs, 1e-5, "col2im is im2col's adjoint, " + s);
            assertEquals(0f, dx[0], "nothing lands before the image, " + s);
        }
    }

    private static float[] reference(float[] x, int off, int c, int h, int w, Conv2dSpec s, int oh, int ow) {
        float[] cols = new float[c * s.kH() * s.kW() * oh * ow];
        for (int ch = 0, row = 0; ch < c; ch++) {
            for (int i = 0; i < s.kH(); i++) {
                for (int j = 0; j < s.kW(); j++, row++) {
                    for (int y = 0; y < oh; y++) {
                        for (int xo = 0; xo < ow; xo++) {
                            int iy = y * s.sH() - s.pH() + i * s.dH();
                            int ix = xo * s.sW() - s.pW() + j * s.dW();
                            boolean in = iy >= 0 && iy < h && ix >= 0 && ix < w;
                            cols[(row * oh + y) * ow + xo] = in ? x[off + (ch * h + iy) * w + ix] : 0f;
                        }
                    }
                }
            }
        }
        return cols;
    }
}
