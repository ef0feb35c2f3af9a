package io.jgrad.tensor.backend;

import java.util.Arrays;

/**
 * Channels-last im2col for the CPU convolution when the planar copy of {@link Im2col} runs in
 * short pieces: an unpadded 5×5 tap over a 12×12 plane (LeNet's second layer) copies 8 floats at
 * a time, 3,200 copies per image, and its col2im adds 8 at a time. Here the image is first turned
 * to {@code [H, W, C]}, and the columns are {@code [OH·OW, kH·kW·C]}, entry {@code ((i·kW + j)·C + c)}
 * of row {@code (oh, ow)} holding pixel {@code (oh·s − p + i·d, ow·s − p + j)} of channel
 * {@code c}: each kernel row of an output position is then one run of {@code kW·C} floats (80 for
 * LeNet, 10× fewer and longer copies). The weight is read in the same tap-major order
 * ({@link #tapsMajor}), so the convolution stays one GEMM per image. Used for width dilation 1
 * only (a dilated row is not one run).
 */
final class Im2colHwc {
    private Im2colHwc() {
    }

    /** Whether this layout applies: several channels, undilated rows, and not the planar path's long-run case. */
    static boolean suits(int c, Conv2dSpec s, int w, int ow) {
        boolean planarRunsAreLong = s.sH() == 1 && s.sW() == 1 && ow == w;
        return c > 1 && s.dW() == 1 && !planarRunsAreLong;
    }

    /** {@code hwc[(y·w + x)·c + ch] = img[off + (ch·h + y)·w + x]}. */
    static void toHwc(float[] img, int off, int c, int h, int w, float[] hwc) {
        int plane = h * w;
        for (int ch = 0; ch < c; ch++) {
            for (int e = 0, at = ch, src = off + ch * plane; e < plane; e++, at += c) {
                hwc[at] = img[src + e];
            }
        }
    }

    /** The inverse of {@link #toHwc}: {@code img[off + (ch·h + y)·w + x] = hwc[(y·w + x)·c + ch]}. */
    static void fromHwc(float[] hwc, int c, int h, int w, float[] img, int off) {
        int plane = h * w;
        for (int ch = 0; ch < c; ch++) {
            for (int e = 0, at = ch, dst = off + ch * plane; e < plane; e++, at += c) {
                img[dst + e] = hwc[at];
            }
        }
    }

    /** Unfolds channels-last image {@code hwc} ({@code [h, w, c]}) into columns {@code cols[colOff ..]} of {@code [oh·ow, kH·kW·c]}. */
    static void im2col(float[] hwc, int c, int h, int w, Conv2dSpec s, int oh, int ow, float[] cols, int colOff) {
        im2col(hwc, c, h, w, s, oh, ow, cols, colOff, s.kH() * s.kW() * c);
    }

    /**
     * As the other {@code im2col}, each output position's row of {@code kH·kW·c} entries starting
     * {@code ld} entries after the previous one ({@code ld ≥ kH·kW·c}; the entries between are left as they are).
     */
    static void im2col(float[] hwc, int c, int h, int w, Conv2dSpec s, int oh, int ow, float[] cols, int colOff, int ld) {
        walk(hwc, c, h, w, s, oh, ow, cols, colOff, ld, false, null);
    }

    /**
     * Adds columns {@code cols[colOff ..]} back onto channels-last image {@code dhwc}: {@link #im2col}'s
     * adjoint; {@code stage}, at least as long as {@code dhwc}, is scratch for {@link Im2col#addAligned}.
     */
    static void col2im(float[] cols, int colOff, int c, int h, int w, Conv2dSpec s, int oh, int ow, float[] dhwc,
                       float[] stage) {
        walk(dhwc, c, h, w, s, oh, ow, cols, colOff, s.kH() * s.kW() * c, true, stage);
    }

    /**
     * For each output position and kernel row: the in-image taps {@code [jlo, jhi)} of that row are
     * one run of {@code (jhi − jlo)·c} floats in both arrays; copied forward (the rest of the row's
     * entries zeroed), added backward.
     */
    private static void walk(float[] hwc, int c, int h, int w, Conv2dSpec s, int oh, int ow, float[] cols, int colOff,
                             int ld, boolean back, float[] stage) {
        int kw = s.kW();
        int rowLen = kw * c;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int ix0 = x * s.sW() - s.pW();
                int jlo = Math.min(kw, Math.max(0, -ix0));
                int jhi = Math.max(jlo, Math.min(kw, w - ix0));
                int entry = colOff + (y * ow + x) * ld;
                for (int i = 0; i < s.kH(); i++, entry += rowLen) {
                    int iy = y * s.sH() - s.pH() + i * s.dH();
                    if (iy < 0 || iy >= h || jlo == jhi) {
                        if (!back) {
                            Arrays.fill(cols, entry, entry + rowLen, 0f);
                        }
                        continue;
                    }
                    int from = entry + jlo * c;
                    int len = (jhi - jlo) * c;
                    int src = (iy * w + ix0 + jlo) * c;
                    if (back) {
                        Im2col.addAligned(cols, from, hwc, src, len, stage);
                    } else {
                        Arrays.fill(cols, entry, from, 0f);
                        System.arraycopy(hwc, src, cols, from, len);
                        Arrays.fill(cols, from + len, entry + rowLen, 0f);
                    }
                }
            }
        }
    }

    /** A weight {@code [oc, c, kH, kW]} as {@code [oc, kH, kW, c]}: the order of {@link #im2col}'s columns. */
    static float[] tapsMajor(float[] weight, int oc, int c, int kh, int kw) {
        return swapInner(weight, oc, c, kh * kw, true, new float[oc * c * kh * kw]);
    }

    /** {@link #tapsMajor} into {@code out[0 ..< oc·c·kH·kW]} (a reused scratch array), returned. */
    static float[] tapsMajor(float[] weight, int oc, int c, int kh, int kw, float[] out) {
        return swapInner(weight, oc, c, kh * kw, true, out);
    }

    /** The inverse of {@link #tapsMajor}: a weight gradient in column order back to {@code [oc, c, kH, kW]}. */
    static float[] channelsMajor(float[] tapsMajor, int oc, int c, int kh, int kw) {
        return swapInner(tapsMajor, oc, c, kh * kw, false, new float[oc * c * kh * kw]);
    }

    /** {@link #channelsMajor} into {@code out[0 ..< oc·c·kH·kW]} (a reused scratch array), returned. */
    static float[] channelsMajor(float[] tapsMajor, int oc, int c, int kh, int kw, float[] out) {
        return swapInner(tapsMajor, oc, c, kh * kw, false, out);
    }

    /** Per output channel, {@code [c, taps]} to {@code [taps, c]} ({@code toTaps}) or back, into {@code out}. */
    private static float[] swapInner(float[] src, int oc, int c, int taps, boolean toTaps, float[] out) {
        for (int o = 0; o < oc; o++) {
            int base = o * c * taps;
            for (int ch = 0; ch < c; ch++) {
                for (int t = 0; t < taps; t++) {
                    int planar = base + ch * taps + t;
                    int tapped = base + t * c + ch;
                    if (toTaps) {
                        out[tapped] = src[planar];
                    } else {
                        out[planar] = src[tapped];
                    }
                }
            }
        }
        return out;
    }
}
