package io.jgrad.tensor.backend;

import io.jgrad.tensor.StepScope;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max and average pooling over dense float32 {@code [N, C, H, W]} as JVM loops on host copies of
 * a few planes at a time (each thread copies its planes in and its results straight out),
 * PyTorch's CPU rules: a max window's winner is its first maximal element, or its last NaN if it
 * holds any (the scan {@code if (v > best || isnan(v))}), padding never wins; an average divides
 * by the full window {@code kH·kW} (padding counted). The max forward records each window's
 * winner so its backward is a scatter, not a second search.
 */
final class CpuPool2d {
    private CpuPool2d() {
    }

    /** Planes a thread copies in, pools and copies out at a time (their input stays in cache). */
    private static final int CHUNK = 32;

    /** The largest window whose winners fit a byte offset; larger ones take the ND4J kernels. */
    static final int MAX_RECORDED_WINDOW = Byte.MAX_VALUE;

    /** Max pooling, keeping each window's winner (its offset {@code i·kW + j} in the window) for the backward. */
    static ConvOps.MaxPool2dResult max(INDArray x, Conv2dSpec s) {
        return max(x, s, false);
    }

    /**
     * Max pooling of {@code relu(x)} in one pass over {@code x}: each window's output is
     * {@code max(m, 0)} for its maximum {@code m} (a NaN stays NaN), bit for bit what pooling
     * {@link io.jgrad.tensor.Kernels#relu}'s output gives. The winner is {@code x}'s first maximal
     * element (or last NaN); it is the rectified window's winner whenever {@code m > 0}, and
     * otherwise the ReLU mask zeroes the window's gradient whichever element won. Windows whose
     * gradient the mask stops ({@code relu(m)} not {@code > 0}, read on its bits as
     * {@code Kernels.reluBackward} does) have the winner's top bit set ({@link #MASKED}): the
     * backward then writes 0 there, which is the composed ReLU and pooling backward.
     */
    static ConvOps.MaxPool2dResult reluMax(INDArray x, Conv2dSpec s) {
        return max(x, s, true);
    }

    /** The winner bit of a window whose gradient a fused ReLU stops. */
    static final int MASKED = 0x80;

    private static ConvOps.MaxPool2dResult max(INDArray x, Conv2dSpec s, boolean relu) {
        Planes p = new Planes(x.shape(), s);
        INDArray out = StepScope.newArray(DataType.FLOAT, p.outShape());
        HostSpan xBuf = Transfers.hostView(x);
        HostSpan outBuf = Transfers.hostView(out);
        byte[] winners = new byte[p.planes * p.oh * p.ow];
        int in = p.h * p.w;
        int po = p.oh * p.ow;
        Parallel.forRange("max_pool2d", p.planes, 1, (from, to) -> {
            for (int q = (int) from; q < to; q += CHUNK) {
                int k = (int) Math.min(CHUNK, to - q);
                float[] xs = HostFloats.scratch(HostFloats.IN, k * in);
                float[] ys = HostFloats.scratch(HostFloats.OUT, k * po);
                HostFloats.gather(xBuf, (long) q * in, 0, 1, k * in, xs);
                for (int plane = 0; plane < k; plane++) {
                    poolPlane(xs, plane * in, ys, plane * po, winners, (q + plane) * po, p, s, relu);
                }
                HostFloats.scatter(ys, outBuf, (long) q * po, 0, 1, k * po, 0);
            }
        });
        return new ConvOps.MaxPool2dResult(out, winners);
    }

    /**
     * Pools one {@code h × w} plane {@code xs[xOff ..]} into {@code ys[yOff ..]} ({@code oh × ow}),
     * recording each window's winner at {@code winners[wOff ..]}; with {@code relu}, of the
     * rectified plane (the ReLU's mask in the winners' {@link #MASKED} bit).
     */
    static void poolPlane(float[] xs, int xOff, float[] ys, int yOff, byte[] winners, int wOff, Planes p,
                          Conv2dSpec s, boolean relu) {
        boolean pairs = isPairs(s);
        for (int y = 0, o = 0; y < p.oh; y++) {
            if (pairs) {
                if (relu) {
                    reluMaxPairsRow(xs, xOff + 2 * y * p.w, p.w, p.ow, ys, yOff + o, winners, wOff + o);
                } else {
                    maxPairsRow(xs, xOff + 2 * y * p.w, p.w, p.ow, ys, yOff + o, winners, wOff + o);
                }
                o += p.ow;
                continue;
            }
            for (int xo = 0; xo < p.ow; xo++, o++) {
                int win = argmax(xs, xOff, y, xo, p, s);
                winners[wOff + o] = (byte) win;
                ys[yOff + o] = xs[at(xOff, y, xo, win, p, s)];
            }
        }
        if (relu && !pairs) {
            rectify(ys, yOff, p.oh * p.ow, winners, wOff);
        }
    }

    /**
     * The adjoint of {@link #poolPlane}: each window's gradient {@code gs[gOff + o]} onto its
     * recorded winner in {@code dx[dxOff ..]} (which the caller zeroed), 0 for a masked window.
     */
    static void unpoolPlane(float[] gs, int gOff, byte[] winners, int wOff, float[] dx, int dxOff, Planes p,
                            Conv2dSpec s) {
        boolean pairs = isPairs(s);
        for (int y = 0, o = 0; y < p.oh; y++) {
            if (pairs) {                    // windows do not overlap: one store each
                int top = dxOff + 2 * y * p.w;
                for (int xo = 0; xo < p.ow; xo++, o++) {
                    int win = winners[wOff + o];
                    dx[top + (win >> 1 & 1) * p.w + 2 * xo + (win & 1)] = pass(win, gs[gOff + o]);
                }
                continue;
            }
            for (int xo = 0; xo < p.ow; xo++, o++) {
                int win = winners[wOff + o];
                dx[at(dxOff, y, xo, win & (MASKED - 1), p, s)] += pass(win, gs[gOff + o]);
            }
        }
    }

    /**
     * One output row of a 2×2, stride-2, unpadded pool (the common case) without data-dependent
     * branches, which mispredict on every other window. Each float is mapped to an int that
     * orders as {@code >} orders the floats ({@link #key}: {@code + 0f} first, so −0 ties +0);
     * then the first maximal element is two integer max/compare pairs and one compare, which the
     * JIT turns into conditional moves (measured on the 2-vCPU Xeon, thread CPU time for 128×32
     * planes of 28×28: 5.1 ms against 6.0 for the earlier float max plus bit tests). A window
     * that holds a NaN takes its last NaN, as PyTorch's scan.
     */
    private static void maxPairsRow(float[] xs, int top, int w, int ow, float[] out, int o, byte[] winners, int wo) {
        for (int xo = 0; xo < ow; xo++) {
            int at = top + 2 * xo;
            float a = xs[at];
            float b = xs[at + 1];
            float c = xs[at + w];
            float d = xs[at + w + 1];
            int k;
            if (a != a | b != b | c != c | d != d) {
                k = d != d ? 3 : c != c ? 2 : b != b ? 1 : 0;
            } else {
                int ka = key(a);
                int kb = key(b);
                int kc = key(c);
                int kd = key(d);
                int top01 = kb > ka ? 1 : 0;
                int top23 = kd > kc ? 3 : 2;
                k = Math.max(kc, kd) > Math.max(ka, kb) ? top23 : top01;
            }
            winners[wo + xo] = (byte) k;
            out[o + xo] = xs[at + (k >> 1) * w + (k & 1)];
        }
    }

    /**
     * {@link #maxPairsRow} of {@code relu(x)} with {@link #rectify} folded in, on the floats' raw
     * bits as ints: a positive float orders as its bits do and any non-positive one has bits
     * {@code ≤ 0} (a negative int, or +0), so where the maximum {@code m} is positive the first
     * maximal bits are the first maximal element, as in {@link #maxPairsRow}; where it is not,
     * the output is +0 and the window is {@link #MASKED} (its gradient is 0 whichever element
     * won). NaNs are found on the same bits; no key transform, no second load of the winner:
     * measured on the 2-vCPU Xeon (one thread, 64×16 planes of 24×24), 3.2 ns a window against
     * 7.7 for {@link #maxPairsRow} then {@link #rectify}. NaN windows take the last NaN, as there.
     */
    private static void reluMaxPairsRow(float[] xs, int top, int w, int ow, float[] out, int o, byte[] winners,
                                        int wo) {
        for (int xo = 0, at = top; xo < ow; xo++, at += 2) {
            int ka = Float.floatToRawIntBits(xs[at]);
            int kb = Float.floatToRawIntBits(xs[at + 1]);
            int kc = Float.floatToRawIntBits(xs[at + w]);
            int kd = Float.floatToRawIntBits(xs[at + w + 1]);
            int k;
            int bits;
            if (isNaN(ka) | isNaN(kb) | isNaN(kc) | isNaN(kd)) {
                k = isNaN(kd) ? 3 : isNaN(kc) ? 2 : isNaN(kb) ? 1 : 0;
                bits = Float.floatToRawIntBits(Math.max(xs[at + (k >> 1) * w + (k & 1)], 0f));   // NaN stays NaN
            } else {
                int top01 = kb > ka ? 1 : 0;
                int top23 = kd > kc ? 3 : 2;
                int m01 = Math.max(ka, kb);
                int m23 = Math.max(kc, kd);
                k = m23 > m01 ? top23 : top01;
                int m = Math.max(m01, m23);
                bits = m & ~(m >> 31);                      // max(m, 0): +0 for a non-positive maximum
            }
            winners[wo + xo] = (byte) (k | ((bits | (bits - 1)) >>> 31) << 7);
            out[o + xo] = Float.intBitsToFloat(bits);
        }
    }

    /** Whether raw float bits {@code b} are a NaN's (any sign, any payload). */
    private static boolean isNaN(int b) {
        return (b & 0x7FFFFFFF) > 0x7F800000;
    }

    /**
     * {@code y = max(y, 0)} over pooled maxima, marking the windows whose gradient the ReLU stops
     * ({@link #MASKED}: {@code y}'s bits not a positive int, {@code Kernels.reluBackward}'s test).
     */
    private static void rectify(float[] ys, int yOff, int n, byte[] winners, int wo) {
        for (int i = 0; i < n; i++) {
            float y = Math.max(ys[yOff + i], 0f);       // NaN stays NaN, -0 becomes 0, as Kernels.relu
            int b = Float.floatToRawIntBits(y);
            ys[yOff + i] = y;
            winners[wo + i] = (byte) (winners[wo + i] | ((b | (b - 1)) >>> 31) << 7);
        }
    }

    /**
     * An int that orders as the non-NaN float {@code v} does under {@code >}: the raw bits of
     * {@code v + 0f} (so −0 becomes +0), with the magnitude bits flipped for negative values.
     */
    private static int key(float v) {
        int bits = Float.floatToRawIntBits(v + 0f);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }

    /**
     * Scatters each window's gradient onto the winner its forward recorded (a window's winner lies
     * in its plane), into {@code dst = beta·dst + dx}.
     */
    static void maxBackward(long[] xShape, INDArray g, Conv2dSpec s, byte[] winners, INDArray dst, double beta) {
        Planes p = new Planes(xShape, s);
        HostSpan gBuf = Transfers.hostView(HostFloats.dense(g));
        INDArray into = HostFloats.direct(dst);
        double intoBeta = HostFloats.betaFor(dst, into, beta);
        HostSpan dxBuf = Transfers.hostView(into);
        int in = p.h * p.w;
        int po = p.oh * p.ow;
        Parallel.forRange("max_pool2d backward", p.planes, 1, (from, to) -> {
            for (int q = (int) from; q < to; q += CHUNK) {
                int k = (int) Math.min(CHUNK, to - q);
                float[] gs = HostFloats.scratch(HostFloats.IN2, k * po);
                float[] dx = HostFloats.scratch(HostFloats.OUT, k * in);
                HostFloats.gather(gBuf, (long) q * po, 0, 1, k * po, gs);
                Arrays.fill(dx, 0, k * in, 0f);
                for (int plane = 0; plane < k; plane++) {
                    unpoolPlane(gs, plane * po, winners, (q + plane) * po, dx, plane * in, p, s);
                }
                HostFloats.scatter(dx, dxBuf, (long) q * in, 0, 1, k * in, intoBeta);
            }
        });
        HostFloats.settle(dst, into, beta);
    }

    /** {@code g}, or 0 when a fused ReLU stopped the window ({@code win}'s {@link #MASKED} bit, a negative byte). */
    private static float pass(int win, float g) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(g) & ~(win >> 31));
    }

    /** Whether {@code s} is the common 2×2, stride-2, unpadded, undilated window. */
    private static boolean isPairs(Conv2dSpec s) {
        return s.kH() == 2 && s.kW() == 2 && s.sH() == 2 && s.sW() == 2 && s.pH() == 0 && s.pW() == 0
                && s.dH() == 1 && s.dW() == 1;
    }

    /** The flat input index of element {@code k = i·kW + j} of window {@code (y, xo)} of the plane at {@code base}. */
    private static int at(int base, int y, int xo, int k, Planes p, Conv2dSpec s) {
        int iy = y * s.sH() - s.pH() + k / s.kW() * s.dH();
        int ix = xo * s.sW() - s.pW() + k % s.kW() * s.dW();
        return base + iy * p.w + ix;
    }

    static INDArray avg(INDArray x, Conv2dSpec s) {
        Planes p = new Planes(x.shape(), s);
        float[] xs = HostFloats.read(x);
        float[] out = new float[p.planes * p.oh * p.ow];
        Parallel.forRange("avg_pool2d", p.planes, 1, (from, to) -> spreadAverage(p, s, xs, out, false, from, to));
        return HostFloats.write(out, p.outShape());
    }

    static INDArray avgBackward(long[] xShape, INDArray g, Conv2dSpec s) {
        Planes p = new Planes(xShape, s);
        float[] dx = new float[p.planes * p.h * p.w];
        float[] gs = HostFloats.read(g);
        Parallel.forRange("avg_pool2d backward", p.planes, 1, (from, to) -> spreadAverage(p, s, dx, gs, true, from, to));
        return HostFloats.write(dx, xShape);
    }

    /**
     * Forward: {@code pooled[o] = Σ window(img) / (kH·kW)}; with {@code back}, the adjoint:
     * {@code img[window] += pooled[o] / (kH·kW)}; for planes {@code [from, to)} (a window lies
     * in its plane, so planes are independent).
     */
    private static void spreadAverage(Planes p, Conv2dSpec s, float[] img, float[] pooled, boolean back, long from,
                                      long to) {
        float divisor = s.kH() * s.kW();
        for (int plane = (int) from, o = plane * p.oh * p.ow; plane < to; plane++) {
            for (int y = 0; y < p.oh; y++) {
                for (int xo = 0; xo < p.ow; xo++, o++) {
                    float share = back ? pooled[o] / divisor : 0;
                    float sum = 0;
                    for (int i = 0; i < s.kH(); i++) {
                        int iy = y * s.sH() - s.pH() + i * s.dH();
                        for (int j = 0; j < s.kW() && iy >= 0 && iy < p.h; j++) {
                            int ix = xo * s.sW() - s.pW() + j * s.dW();
                            if (ix >= 0 && ix < p.w) {
                                int at = (plane * p.h + iy) * p.w + ix;
                                if (back) {
                                    img[at] += share;
                                } else {
                                    sum += img[at];
                                }
                            }
                        }
                    }
                    if (!back) {
                        pooled[o] = sum / divisor;
                    }
                }
            }
        }
    }

    /**
     * The offset {@code i·kW + j} of window {@code (y, xo)}'s winner in the plane at {@code base}, PyTorch's scan:
     * an in-bounds element replaces the best so far when greater or NaN (so the first maximum, or the last NaN).
     */
    private static int argmax(float[] xs, int base, int y, int xo, Planes p, Conv2dSpec s) {
        int best = -1;
        float bestVal = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < s.kH(); i++) {
            int iy = y * s.sH() - s.pH() + i * s.dH();
            for (int j = 0; j < s.kW() && iy >= 0 && iy < p.h; j++) {
                int ix = xo * s.sW() - s.pW() + j * s.dW();
                if (ix >= 0 && ix < p.w) {
                    float v = xs[base + iy * p.w + ix];
                    if (best < 0 || v > bestVal || v != v) {
                        best = i * s.kW() + j;
                        bestVal = v;
                    }
                }
            }
        }
        return best;
    }

    /** {@code N·C} independent planes of {@code h × w}, pooled to {@code oh × ow}. */
    static final class Planes {
        final int planes;
        final int h;
        final int w;
        final int oh;
        final int ow;
        final long[] shape;

        Planes(long[] shape, Conv2dSpec s) {
            this.shape = shape;
            planes = (int) (shape[0] * shape[1]);
            h = (int) shape[2];
            w = (int) shape[3];
            oh = (int) s.outH(h);
            ow = (int) s.outW(w);
        }

        long[] outShape() {
            return new long[] {shape[0], shape[1], oh, ow};
        }
    }
}
