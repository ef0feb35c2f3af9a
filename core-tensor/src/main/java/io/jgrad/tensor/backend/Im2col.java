package io.jgrad.tensor.backend;

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

    /**
     * Visits every (column entry, pixel) pair: copies pixel to entry, or with {@code back} adds entry
     * to pixel. Each kernel tap's in-image output columns {@code [lo, hi)} are found once, so the
     * inner loops are plain strided copies or adds with no bounds test (at stride 1 the JIT
     * vectorises them; a short row's {@code arraycopy} or {@code fill} call costs more than it moves).
     */
    private static void walk(float[] img, int imgOff, int c, int h, int w, Conv2dSpec s, int oh, int ow, float[] cols,
                             int colOff, boolean back) {
        int p = oh * ow;
        int sw = s.sW();
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < s.kH(); i++) {
                for (int j = 0; j < s.kW(); j++) {
                    int row = colOff + ((ch * s.kH() + i) * s.kW() + j) * p;
                    int shift = j * s.dW() - s.pW();                 // ix = xo·sW + shift
                    int lo = Math.min(ow, shift >= 0 ? 0 : (-shift + sw - 1) / sw);
                    int hi = Math.max(lo, Math.min(ow, w - shift <= 0 ? 0 : (w - shift - 1) / sw + 1));
                    for (int y = 0; y < oh; y++) {
                        int iy = y * s.sH() - s.pH() + i * s.dH();
                        int at = row + y * ow;
                        if (iy < 0 || iy >= h) {
                            if (!back) {
                                copyRun(img, 0, cols, at, 0, 0, ow, sw);
                            }
                            continue;
                        }
                        int src = imgOff + (ch * h + iy) * w + shift;
                        if (back) {
                            addRun(cols, at, img, src, lo, hi, sw);
                        } else {
                            copyRun(img, src, cols, at, lo, hi, ow, sw);
                        }
                    }
                }
            }
        }
    }

    /** {@code cols[at + xo] = img[src + xo·sw]} for {@code xo} in {@code [lo, hi)}, zero for the rest of {@code [0, ow)}. */
    private static void copyRun(float[] img, int src, float[] cols, int at, int lo, int hi, int ow, int sw) {
        for (int xo = 0; xo < lo; xo++) {
            cols[at + xo] = 0f;
        }
        if (sw == 1) {
            for (int xo = lo; xo < hi; xo++) {
                cols[at + xo] = img[src + xo];
            }
        } else {
            for (int xo = lo; xo < hi; xo++) {
                cols[at + xo] = img[src + xo * sw];
            }
        }
        for (int xo = hi; xo < ow; xo++) {
            cols[at + xo] = 0f;
        }
    }

    /** {@code img[src + xo·sw] += cols[at + xo]} for {@code xo} in {@code [lo, hi)}; stride 1 is a plain vector add. */
    private static void addRun(float[] cols, int at, float[] img, int src, int lo, int hi, int sw) {
        if (sw == 1) {
            for (int xo = lo; xo < hi; xo++) {
                img[src + xo] += cols[at + xo];
            }
        } else {
            for (int xo = lo; xo < hi; xo++) {
                img[src + xo * sw] += cols[at + xo];
            }
        }
    }
}
