package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Im2colHwc}'s channels-last columns against the plain per-element definition, over
 * strides, paddings and height dilations that put taps wholly or partly outside the image;
 * {@code col2im} as its adjoint; the layout changes of image and weight as exact inverses.
 */
class Im2colHwcTest {
    private static final Conv2dSpec[] SPECS = {
        Conv2dSpec.square(5, 1, 0, 1), Conv2dSpec.square(3, 2, 1, 1), Conv2dSpec.square(2, 3, 0, 1),
        new Conv2dSpec(3, 2, 2, 1, 0, 3, 2, 1), Conv2dSpec.square(5, 2, 4, 1), Conv2dSpec.square(5, 1, 2, 1),
        new Conv2dSpec(3, 3, 1, 1, 0, 1, 1, 1), new Conv2dSpec(2, 7, 1, 1, 3, 3, 4, 1),
        new Conv2dSpec(1, 13, 1, 1, 0, 6, 1, 1), Conv2dSpec.square(1, 1, 0, 1), Conv2dSpec.square(3, 1, 0, 1),
    };

    @Test
    void unfoldsLikeThePlainDefinition() {
        Random r = new Random(5);
        int c = 3;
        int h = 5;
        int w = 6;
        float[] x = random(r, c * h * w);
        float[] hwc = new float[x.length];
        Im2colHwc.toHwc(x, 0, c, h, w, hwc);
        for (Conv2dSpec s : SPECS) {
            int oh = (int) s.outH(h);
            int ow = (int) s.outW(w);
            int k = c * s.kH() * s.kW();
            float[] cols = new float[3 + k * oh * ow];
            Arrays.fill(cols, 99f);                          // stale scratch: every entry must be written
            Im2colHwc.im2col(hwc, c, h, w, s, oh, ow, cols, 3);
            float[] expected = reference(x, c, h, w, s, oh, ow);
            assertArrayEquals(expected, Arrays.copyOfRange(cols, 3, cols.length), s.toString());

            float[] dcols = random(r, k * oh * ow);
            float[] dhwc = new float[x.length];
            float[] stage = new float[dhwc.length];
            Arrays.fill(stage, 7f);                          // stale scratch
            Im2colHwc.col2im(dcols, 0, c, h, w, s, oh, ow, dhwc, stage);
            float[] dx = new float[1 + x.length];
            Im2colHwc.fromHwc(dhwc, c, h, w, dx, 1);
            double lhs = 0;
            for (int i = 0; i < dcols.length; i++) {
                lhs += (double) expected[i] * dcols[i];
            }
            double rhs = 0;
            for (int i = 0; i < x.length; i++) {
                rhs += (double) x[i] * dx[1 + i];
            }
            assertEquals(lhs, rhs, 1e-5, "col2im is im2col's adjoint, " + s);
        }
    }

    @Test
    void layoutChangesAreInverses() {
        Random r = new Random(7);
        float[] x = random(r, 4 * 3 * 5);
        float[] hwc = new float[x.length];
        Im2colHwc.toHwc(x, 0, 4, 3, 5, hwc);
        assertEquals(x[(2 * 3 + 1) * 5 + 4], hwc[(1 * 5 + 4) * 4 + 2]);
        float[] back = new float[x.length];
        Im2colHwc.fromHwc(hwc, 4, 3, 5, back, 0);
        assertArrayEquals(x, back);

        float[] weight = random(r, 6 * 4 * 3 * 2);
        float[] taps = Im2colHwc.tapsMajor(weight, 6, 4, 3, 2);
        assertEquals(weight[((5 * 4 + 3) * 3 + 2) * 2 + 1], taps[5 * 24 + (2 * 2 + 1) * 4 + 3]);
        assertArrayEquals(weight, Im2colHwc.channelsMajor(taps, 6, 4, 3, 2));
    }

    @Test
    void takesOnlyManyChannelsShortRunsAndUndilatedRows() {
        assertTrue(Im2colHwc.suits(16, Conv2dSpec.square(5, 1, 0, 1), 12, 8));
        assertFalse(Im2colHwc.suits(1, Conv2dSpec.square(5, 1, 0, 1), 28, 24), "one channel: planar runs are as long");
        assertFalse(Im2colHwc.suits(32, Conv2dSpec.square(3, 1, 1, 1), 14, 14), "'same' width: one shifted copy per tap");
        assertFalse(Im2colHwc.suits(16, Conv2dSpec.square(3, 1, 0, 2), 12, 8), "dilated rows are not one run");
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        return a;
    }

    /** Row {@code (y·ow + xo)}, entry {@code (i·kW + j)·c + ch}: pixel {@code (y·s − p + i·d, xo·s − p + j·d)} of {@code ch}. */
    private static float[] reference(float[] x, int c, int h, int w, Conv2dSpec s, int oh, int ow) {
        int k = c * s.kH() * s.kW();
        float[] cols = new float[k * oh * ow];
        for (int y = 0; y < oh; y++) {
            for (int xo = 0; xo < ow; xo++) {
                for (int i = 0; i < s.kH(); i++) {
                    for (int j = 0; j < s.kW(); j++) {
                        for (int ch = 0; ch < c; ch++) {
                            int iy = y * s.sH() - s.pH() + i * s.dH();
                            int ix = xo * s.sW() - s.pW() + j * s.dW();
                            boolean in = iy >= 0 && iy < h && ix >= 0 && ix < w;
                            cols[(y * ow + xo) * k + (i * s.kW() + j) * c + ch] = in ? x[(ch * h + iy) * w + ix] : 0f;
                        }
                    }
                }
            }
        }
        return cols;
    }
}
