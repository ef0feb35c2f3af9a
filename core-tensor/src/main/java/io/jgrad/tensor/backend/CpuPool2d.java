package io.jgrad.tensor.backend;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max and average pooling over dense float32 {@code [N, C, H, W]} as JVM loops on a host copy,
 * PyTorch's CPU rules: a max window's winner is its first maximal element (NaN wins), padding
 * never wins; an average divides by the full window {@code kH·kW} (padding counted). The max
 * forward records each window's winner so its backward is a scatter, not a second search.
 */
final class CpuPool2d {
    private CpuPool2d() {
    }

    /** Max pooling, keeping each window's winner (a flat index into {@code x}) for the backward. */
    static ConvOps.MaxPool2dResult max(INDArray x, Conv2dSpec s) {
        Planes p = new Planes(x.shape(), s);
        float[] xs = HostFloats.read(x, HostFloats.IN);
        float[] out = HostFloats.scratch(HostFloats.OUT, p.planes * p.oh * p.ow);
        int[] winners = new int[p.planes * p.oh * p.ow];
        boolean pairs = s.kH() == 2 && s.kW() == 2 && s.sH() == 2 && s.sW() == 2 && s.pH() == 0 && s.pW() == 0;
        BatchSplit.run(p.planes, (part, from, to) -> {
            for (int plane = from, o = from * p.oh * p.ow; plane < to; plane++) {
                for (int y = 0; y < p.oh; y++) {
                    if (pairs) {
                        maxPairsRow(xs, (plane * p.h + 2 * y) * p.w, p.w, p.ow, out, winners, o);
                        o += p.ow;
                        continue;
                    }
                    for (int xo = 0; xo < p.ow; xo++, o++) {
                        int at = argmax(xs, plane, y, xo, p, s);
                        winners[o] = at;
                        out[o] = xs[at];
                    }
                }
            }
        });
        return new ConvOps.MaxPool2dResult(HostFloats.write(out, p.outShape()), winners);
    }

    /**
     * One output row of a 2×2, stride-2, unpadded pool (the common case, without the general
     * window walk): window elements in PyTorch's scan order, a later one wins only when greater,
     * or NaN, and nothing beats a NaN.
     */
    private static void maxPairsRow(float[] xs, int top, int w, int ow, float[] out, int[] winners, int o) {
        for (int xo = 0; xo < ow; xo++) {
            int at = top + 2 * xo;
            float best = xs[at];
            int win = at;
            for (int k = 1; k < 4 && best == best; k++) {
                int i = at + (k >> 1) * w + (k & 1);
                float v = xs[i];
                if (v > best || v != v) {
                    best = v;
                    win = i;
                }
            }
            out[o + xo] = best;
            winners[o + xo] = win;
        }
    }

    /** Scatters each window's gradient onto the winner its forward recorded (a window's winner lies in its plane). */
    static INDArray maxBackward(long[] xShape, INDArray g, Conv2dSpec s, int[] winners) {
        Planes p = new Planes(xShape, s);
        float[] gs = HostFloats.read(g, HostFloats.IN2);
        float[] dx = HostFloats.scratch(HostFloats.OUT, p.planes * p.h * p.w);
        int windows = p.oh * p.ow;
        BatchSplit.run(p.planes, (part, from, to) -> {
            Arrays.fill(dx, from * p.h * p.w, to * p.h * p.w, 0f);
            for (int o = from * windows; o < to * windows; o++) {
                dx[winners[o]] += gs[o];
            }
        });
        return HostFloats.write(dx, xShape);
    }

    static INDArray avg(INDArray x, Conv2dSpec s) {
        Planes p = new Planes(x.shape(), s);
        float[] xs = HostFloats.read(x);
        float[] out = new float[p.planes * p.oh * p.ow];
        spreadAverage(p, s, xs, out, false);
        return HostFloats.write(out, p.outShape());
    }

    static INDArray avgBackward(long[] xShape, INDArray g, Conv2dSpec s) {
        Planes p = new Planes(xShape, s);
        float[] dx = new float[p.planes * p.h * p.w];
        spreadAverage(p, s, dx, HostFloats.read(g), true);
        return HostFloats.write(dx, xShape);
    }

    /**
     * Forward: {@code pooled[o] = Σ window(img) / (kH·kW)}; with {@code back}, the adjoint:
     * {@code img[window] += pooled[o] / (kH·kW)}.
     */
    private static void spreadAverage(Planes p, Conv2dSpec s, float[] img, float[] pooled, boolean back) {
        float divisor = s.kH() * s.kW();
        for (int plane = 0, o = 0; plane < p.planes; plane++) {
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

    /** The flat index of the first maximal in-bounds element of window {@code (y, xo)} of {@code plane}. */
    private static int argmax(float[] xs, int plane, int y, int xo, Planes p, Conv2dSpec s) {
        int best = -1;
        float bestVal = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < s.kH(); i++) {
            int iy = y * s.sH() - s.pH() + i * s.dH();
            for (int j = 0; j < s.kW() && iy >= 0 && iy < p.h; j++) {
                int ix = xo * s.sW() - s.pW() + j * s.dW();
                if (ix >= 0 && ix < p.w) {
                    int at = (plane * p.h + iy) * p.w + ix;
                    float v = xs[at];
                    if (best < 0 || v > bestVal || v != v) {
                        best = at;
                        bestVal = v;
                        if (v != v) {
                            return best;
                        }
                    }
                }
            }
        }
        return best;
    }

    /** {@code N·C} independent planes of {@code h × w}, pooled to {@code oh × ow}. */
    private static final class Planes {
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
