package io.jgrad.tensor.backend;

import java.util.Arrays;

/**
 * The JVM loops of the CPU convolution: {@code im2col} unfolds one image {@code [C, H, W]} into
 * columns {@code [C·kH·kW, OH·OW]} (row {@code (c·kH + i)·kW + j} holds input pixel
 * {@code (oh·s − p + i·d, ow·s − p + j·d)} of channel {@code c} for every output position, zero
 * outside the image), so a convolution is one GEMM {@code W[OC, C·kH·kW] · cols}; {@code col2im}
 * is its adjoint, adding each column entry back onto the pixel it came from.
 */
final class Im2col {
    private Im2col() {
    }

    /** Unfolds image {@code x[xOff ..]} of {@code [c, h, w]} into {@code cols[colOff ..]}. */
    static void im2col(float[] x, int xOff, int c, int h, int w, Conv2dSpec s, int oh, int ow, float[] cols, int colOff) {
        walk(x, xOff, c, h, w, s, oh, ow, cols, colOff, false);
    }

    /** Adds columns {@code cols[colOff ..]} back onto image {@code dx[xOff ..]} of {@code [c, h, w]}. */
    static void col2im(float[] cols, int colOff, int c, int h, int w, Conv2dSpec s, int oh, int ow, float[] dx, int xOff) {
        walk(dx, xOff, c, h, w, s, oh, ow, cols, colOff, true);
    }

    /** Visits every (column entry, pixel) pair: copies pixel to entry, or with {@code back} adds entry to pixel. */
    private static void walk(float[] img, int imgOff, int c, int h, int w, Conv2dSpec s, int oh, int ow, float[] cols,
                             int colOff, boolean back) {
        int p = oh * ow;
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < s.kH(); i++) {
                for (int j = 0; j < s.kW(); j++) {
                    int row = colOff + ((ch * s.kH() + i) * s.kW() + j) * p;
                    for (int y = 0; y < oh; y++) {
                        int iy = y * s.sH() - s.pH() + i * s.dH();
                        int at = row + y * ow;
                        if (iy < 0 || iy >= h) {
                            if (!back) {
                                Arrays.fill(cols, at, at + ow, 0f);
                            }
                            continue;
                        }
                        int src = imgOff + (ch * h + iy) * w;
                        for (int xo = 0; xo < ow; xo++) {
                            int ix = xo * s.sW() - s.pW() + j * s.dW();
                            boolean inside = ix >= 0 && ix < w;
                            if (back) {
                                if (inside) {
                                    img[src + ix] += cols[at + xo];
                                }
                            } else {
                                cols[at + xo] = inside ? img[src + ix] : 0f;
                            }
                        }
                    }
                }
            }
        }
    }
}
