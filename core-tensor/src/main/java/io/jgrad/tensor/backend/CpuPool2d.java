package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max and average pooling over dense float32 {@code [N, C, H, W]} as JVM loops on a host copy,
 * PyTorch's CPU rules: a max window's winner is its first maximal element (NaN wins), padding
 * never wins; an average divides by the full window {@code kH·kW} (padding counted).
 */
final class CpuPool2d {
    private CpuPool2d() {
    }

    static INDArray max(INDArray x, Conv2dSpec s) {
        Planes p = new Planes(x.shape(), s);
        float[] xs = HostFloats.read(x);
        float[] out = new float[p.planes * p.oh * p.ow];
        BatchSplit.run(p.planes, (part, from, to) -> {
            for (int plane = from, o = from * p.oh * p.ow; plane < to; plane++) {
                for (int y = 0; y < p.oh; y++) {
                    for (int xo = 0; xo < p.ow; xo++, o++) {
                        out[o] = xs[argmax(xs, plane, y, xo, p, s)];
                    }
                }
            }
        });
        return HostFloats.write(out, p.outShape());
    }

    static INDArray maxBackward(INDArray x, INDArray g, Conv2dSpec s) {
        Planes p = new Planes(x.shape(), s);
        float[] xs = HostFloats.read(x);
        float[] gs = HostFloats.read(g);
        float[] dx = new float[xs.length];
        BatchSplit.run(p.planes, (part, from, to) -> {     // windows stay inside their plane
            for (int plane = from, o = from * p.oh * p.ow; plane < to; plane++) {
                for (int y = 0; y < p.oh; y++) {
                    for (int xo = 0; xo < p.ow; xo++, o++) {
                        dx[argmax(xs, plane, y, xo, p, s)] += gs[o];
                    }
                }
            }
        });
        return HostFloats.write(dx, x.shape());
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
                    if (best < 0 || xs[at] > bestVal || Float.isNaN(xs[at])) {
                        best = at;
                        bestVal = xs[at];
                        if (Float.isNaN(bestVal)) {
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
