package io.jgrad.tensor.backend;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import io.jgrad.tensor.StepScope;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link ConvOps} for the {@code cpu} backend, float32: convolution as im2col plus one direct
 * BLAS GEMM per image ({@code y_n[OC, P] = W[OC, K] · cols_n[K, P]}, written straight into the
 * output, so no layout shuffle), backward as {@code dW += g_n · cols_nᵀ} and
 * {@code dx_n = col2im(Wᵀ · g_n)}; the column matrices live in per-thread scratch reused from
 * step to step, and the batch is split into parts of whole images over {@link Parallel}'s
 * threads, each copying its own images in and its input gradients out. The weight gradient is
 * summed per part ({@code dW_p = Σ g_n·cols_nᵀ} over part {@code p}'s images in order, by BLAS
 * with β = 1), then {@code dW = dW_0 + dW_1 + …} in part order: the parts are
 * {@code Parallel.partition(N, 1)}, {@code min(threads, N)} near-equal runs of images, so dW's
 * bits depend only on the sizes and the thread count. The bias gradient is summed image by
 * image in order whatever the parts. Where the planar columns would be copied in short pieces
 * (several channels, not "same" width at stride 1: LeNet's unpadded 5×5 over 12×12), the columns
 * are channels-last ({@link Im2colHwc}, {@code [P, K]}) and the GEMMs read them transposed.
 * Pooling is {@link CpuPool2d}. Other types (float64 for
 * gradient checks) take {@link Nd4jConvOps}.
 */
final class CpuConvOps implements ConvOps {
    static final CpuConvOps INSTANCE = new CpuConvOps();

    private CpuConvOps() {
    }

    @Override
    public INDArray conv2d(INDArray x, INDArray weight, INDArray bias, Conv2dSpec s) {
        return fits(x, weight, bias) ? forward(x, weight, bias, s, false).output()
                : Nd4jConvOps.INSTANCE.conv2d(x, weight, bias, s);
    }

    private static boolean fits(INDArray x, INDArray weight, INDArray bias) {
        return HostFloats.readable(x) && HostFloats.readable(weight) && (bias == null || HostFloats.readable(bias));
    }

    /**
     * The forward; with {@code keep}, each image's columns go to their own block of one leased array
     * (kept for the weight gradient) instead of the per-thread scratch, unless that array would
     * exceed {@link #KEEP_CAP_BYTES}.
     */
    private static Conv2dResult forward(INDArray x, INDArray weight, INDArray bias, Conv2dSpec s, boolean keep) {
        Geometry g = new Geometry(x, weight, s);
        INDArray out = StepScope.newArray(DataType.FLOAT, g.n, g.oc, g.oh, g.ow);
        // with a bias, the GEMM adds it: a last weight column b against a last column row of ones
        int kb = bias == null ? g.k : g.k + 1;
        long block = (long) kb * g.p;
        BufferCache.Leased kept = keep && g.n * block * Float.BYTES <= KEEP_CAP_BYTES
                ? BufferCache.lease(DataType.FLOAT, g.n, block) : null;
        HostSpan xBuf = Transfers.hostView(x);
        BufferCache.Leased wkLease = gemmWeight(weight, bias, g);
        INDArray wk = wkLease.array();
        Parallel.forRange("conv2d", g.n, 1, (from, to) -> {
            INDArray cols = kept != null ? kept.array() : HostFloats.nativeScratch(0, block);
            HostSpan colsBuf = Transfers.hostView(cols);
            FloatPointer wP = ptr(wk);
            FloatPointer colsP = ptr(cols);
            FloatPointer outP = ptr(out);
            float[] img = HostFloats.scratch(HostFloats.IN, g.image);
            float[] ones = bias != null && !g.hwc ? HostFloats.scratch(2, g.p) : null;
            for (int n = (int) from; n < to; n++) {
                int at = kept != null ? (int) (n * block) : 0;
                if (ones != null && (kept != null || n == from)) {    // planar [K + 1, P]: the row of ones below the K unfolded
                    Arrays.fill(ones, 0, g.p, 1f);
                    colsBuf.put(at + g.k * g.p, ones, 0, g.p);
                }
                HostFloats.gather(xBuf, (long) n * g.image, 0, 1, g.image, img);
                unfold(img, g, colsBuf, at, kb);
                // y_n[OC, P] = W[OC, kb] · cols_n, the columns [kb, P] planar or [P, kb] channels-last
                cblas_sgemm(CblasRowMajor, CblasNoTrans, g.hwc ? CblasTrans : CblasNoTrans, g.oc, g.p, kb, 1f,
                        wP, kb, colsP.position(at), g.hwc ? kb : g.p, 0f, outP.position((long) n * g.oc * g.p), g.p);
            }
        });
        wkLease.release();
        return new Conv2dResult(out, kept);
    }

    @Override
    public INDArray[] conv2dBackward(INDArray x, INDArray weight, boolean hasBias, INDArray gOut, Conv2dSpec s,
                                     INDArray dxDst, double betaX, boolean needW, boolean needB) {
        return conv2dBackward(x, weight, hasBias, gOut, s, dxDst, betaX, needW, needB, null);
    }

    @Override
    public INDArray[] conv2dBackward(INDArray x, INDArray weight, boolean hasBias, INDArray gOut, Conv2dSpec s,
                                     INDArray dxDst, double betaX, boolean needW, boolean needB, Conv2dResult forward) {
        if (!HostFloats.readable(x) || !HostFloats.readable(weight) || gOut.dataType() != DataType.FLOAT) {
            return Nd4jConvOps.INSTANCE.conv2dBackward(x, weight, hasBias, gOut, s, dxDst, betaX, needW, needB);
        }
        return backward(x, weight, hasBias, gOut, s, dxDst, betaX, needW, needB, forward, null, 0);
    }

    /** The backward; with {@code dwDst}, the weight gradient goes into {@code dwDst = betaW·dwDst + dW} (dense). */
    private static INDArray[] backward(INDArray x, INDArray weight, boolean hasBias, INDArray gOut, Conv2dSpec s,
                                       INDArray dxDst, double betaX, boolean needW, boolean needB, Conv2dResult forward,
                                       INDArray dwDst, double betaW) {
        boolean needX = dxDst != null;
        Geometry geo = new Geometry(x, weight, s);
        INDArray g = HostFloats.dense(gOut);
        HostSpan xBuf = Transfers.hostView(x);
        HostSpan gBuf = Transfers.hostView(g);
        INDArray into = needX ? HostFloats.direct(dxDst) : null;
        double intoBeta = needX ? HostFloats.betaFor(dxDst, into, betaX) : 0;
        HostSpan dxBuf = needX ? Transfers.hostView(into) : null;
        boolean sumB = hasBias && needB;
        double[][] bSums = sumB ? new double[geo.n][] : null;
        Parallel.Partition parts = Parallel.partition(geo.n, 1);
        int dwLen = geo.oc * geo.k;
        float[] dwParts = needW ? HostFloats.scratch(HostFloats.DW, parts.parts() * dwLen) : null;   // part p at p·dwLen
        BufferCache.Leased wkLease = needX ? columnOrderWeight(weight, geo) : null;
        INDArray wk = needX ? wkLease.array() : null;
        INDArray saved = needW && forward != null && forward.columns() != null ? forward.columns().array() : null;
        int savedLd = hasBias ? geo.k + 1 : geo.k;         // the forward's columns: [ld, P] planar, [P, ld] channels-last
        Parallel.run("conv2d backward", parts, (part, from, to) -> {
            INDArray cols = HostFloats.nativeScratch(0, (long) geo.k * geo.p);
            INDArray dwPart = needW ? HostFloats.nativeScratch(1, (long) geo.oc * geo.k) : null;
            HostSpan colsBuf = Transfers.hostView(cols);
            FloatPointer colsP = ptr(cols);
            FloatPointer gP = ptr(g);
            FloatPointer dwP = needW ? ptr(dwPart) : null;
            FloatPointer wP = needX ? ptr(wk) : null;
            FloatPointer savedP = saved != null ? ptr(saved) : null;
            float[] dcols = needX ? HostFloats.scratch(1, geo.k * geo.p) : null;
            float[] img = HostFloats.scratch(HostFloats.IN, geo.image);
            float[] gs = sumB ? HostFloats.scratch(HostFloats.IN2, geo.oc * geo.p) : null;
            for (int n = (int) from; n < to; n++) {
                long gOff = (long) n * geo.oc * geo.p;
                gP.position(gOff);
                if (needW) {
                    FloatPointer colsW = colsP;
                    int ld = geo.k;
                    if (savedP != null) {
                        colsW = savedP.position((long) n * savedLd * geo.p);
                        ld = savedLd;
                    } else {
                        HostFloats.gather(xBuf, (long) n * geo.image, 0, 1, geo.image, img);
                        unfold(img, geo, colsBuf, 0, geo.k);
                    }
                    // dW_p[OC, K] += g_n[OC, P] · cols_nᵀ (the first K rows of planar columns, K entries of each channels-last row)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, geo.hwc ? CblasNoTrans : CblasTrans, geo.oc, geo.k, geo.p,
                            1f, gP, geo.p, colsW, geo.hwc ? ld : geo.p, n == from ? 0f : 1f, dwP, geo.k);
                }
                if (needX) {
                    if (geo.hwc) {          // dcols[P, K] = g_nᵀ · W
                        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, geo.p, geo.k, geo.oc, 1f, gP, geo.p, wP,
                                geo.k, 0f, colsP, geo.k);
                    } else {                // dcols[K, P] = Wᵀ · g_n
                        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, geo.k, geo.p, geo.oc, 1f, wP, geo.k, gP,
                                geo.p, 0f, colsP, geo.p);
                    }
                    colsBuf.get(0, dcols, 0, geo.k * geo.p);
                    fold(dcols, geo, img);
                    HostFloats.scatter(img, dxBuf, (long) n * geo.image, 0, 1, geo.image, intoBeta);
                }
                if (sumB) {
                    HostFloats.gather(gBuf, gOff, 0, 1, geo.oc * geo.p, gs);
                    bSums[n] = channelSums(gs, geo);
                }
            }
            if (needW) {
                if (to > from) {
                    Transfers.hostView(dwPart).get(0, dwParts, part * dwLen, dwLen);
                } else {
                    Arrays.fill(dwParts, part * dwLen, (part + 1) * dwLen, 0f);     // zero for an empty batch
                }
            }
        });
        if (needX) {
            wkLease.release();
            HostFloats.settle(dxDst, into, betaX);
        }
        INDArray dw = null;
        if (needW && dwDst != null) {
            float[] sum = planarOrder(sum(dwParts, parts.parts(), dwLen), geo);
            HostFloats.scatter(sum, Transfers.hostView(dwDst), 0, 0, 1, dwLen, betaW);
            dw = dwDst;
        } else if (needW) {
            dw = HostFloats.write(planarOrder(sum(dwParts, parts.parts(), dwLen), geo), weight.shape());
        }
        INDArray db = sumB ? HostFloats.write(total(bSums, geo.oc), weight.size(0)) : null;
        return new INDArray[] {dxDst, dw, db};
    }

    @Override
    public MaxPool2dResult maxPool2d(INDArray x, Conv2dSpec s) {
        return HostFloats.readable(x) && s.kH() * s.kW() <= CpuPool2d.MAX_RECORDED_WINDOW ? CpuPool2d.max(x, s)
                : Nd4jConvOps.INSTANCE.maxPool2d(x, s);
    }

    @Override
    public void maxPool2dBackward(INDArray x, INDArray g, Conv2dSpec s, MaxPool2dResult forward, INDArray dx,
                                  double beta) {
        if (forward.winners() != null && g.dataType() == DataType.FLOAT) {
            CpuPool2d.maxBackward(x.shape(), g, s, forward.winners(), dx, beta);
        } else {
            Nd4jConvOps.INSTANCE.maxPool2dBackward(x, g, s, forward, dx, beta);
        }
    }

    @Override
    public INDArray avgPool2d(INDArray x, Conv2dSpec s) {
        return HostFloats.readable(x) ? CpuPool2d.avg(x, s) : Nd4jConvOps.INSTANCE.avgPool2d(x, s);
    }

    @Override
    public INDArray avgPool2dBackward(long[] xShape, INDArray g, Conv2dSpec s) {
        return g.dataType() == DataType.FLOAT ? CpuPool2d.avgBackward(xShape, g, s)
                : Nd4jConvOps.INSTANCE.avgPool2dBackward(xShape, g, s);
    }

    @Override
    public BatchNorm2dResult batchNorm2d(INDArray x, INDArray weight, INDArray bias, double eps) {
        return HostFloats.readable(x) && (weight == null || HostFloats.readable(weight) && HostFloats.readable(bias))
                ? CpuBatchNorm2d.forward(x, weight, bias, eps) : Nd4jBatchNorm2d.forward(x, weight, bias, eps);
    }

    @Override
    public INDArray channelAffine(INDArray x, INDArray alpha, INDArray beta) {
        return CpuChannelAffine.fits(x, alpha, beta) ? CpuChannelAffine.apply(x, alpha, beta)
                : Nd4jConvOps.INSTANCE.channelAffine(x, alpha, beta);
    }

    @Override
    public INDArray[] batchNorm2dBackward(INDArray x, INDArray g, INDArray weight, BatchNorm2dResult forward, double eps,
                                          INDArray dx, double betaX) {
        return HostFloats.readable(x) && g.dataType() == DataType.FLOAT && (weight == null || HostFloats.readable(weight))
                ? CpuBatchNorm2d.backward(x, g, weight, forward, eps, dx, betaX)
                : Nd4jConvOps.INSTANCE.batchNorm2dBackward(x, g, weight, forward, eps, dx, betaX);
    }

    /**
     * im2col of one image into native columns from {@code cols[at]}, via a reused JVM array:
     * channels-last rows {@code ld} apart, a last entry of 1 in each when {@code ld = K + 1} (the
     * folded bias's); planar rows {@code 0 .. K-1} (a folded bias's row of ones, below them, is the caller's).
     */
    private static void unfold(float[] img, Geometry g, HostSpan cols, int at, int ld) {
        if (g.hwc) {
            float[] tmp = HostFloats.scratch(2, ld * g.p);
            float[] hwc = HostFloats.scratch(HostFloats.OUT, g.image);
            Im2colHwc.toHwc(img, 0, g.c, g.h, g.w, hwc);
            Im2colHwc.im2col(hwc, g.c, g.h, g.w, g.spec, g.oh, g.ow, tmp, 0, ld);
            for (int e = g.k; ld > g.k && e < ld * g.p; e += ld) {
                tmp[e] = 1f;
            }
            cols.put(at, tmp, 0, ld * g.p);
        } else {
            float[] tmp = HostFloats.scratch(2, g.k * g.p);
            Im2col.im2col(img, 0, g.c, g.h, g.w, g.spec, g.oh, g.ow, tmp, 0);
            cols.put(at, tmp, 0, g.k * g.p);
        }
    }

    /** col2im of one image's column gradient into {@code img} (overwritten), in the columns' layout. */
    private static void fold(float[] dcols, Geometry g, float[] img) {
        if (g.hwc) {
            float[] dhwc = HostFloats.scratch(HostFloats.OUT, g.image);
            Arrays.fill(dhwc, 0, g.image, 0f);
            Im2colHwc.col2im(dcols, 0, g.c, g.h, g.w, g.spec, g.oh, g.ow, dhwc, HostFloats.scratch(2, g.image));
            Im2colHwc.fromHwc(dhwc, g.c, g.h, g.w, img, 0);
        } else {
            Arrays.fill(img, 0, g.image, 0f);
            Im2col.col2im(dcols, 0, g.c, g.h, g.w, g.spec, g.oh, g.ow, img, 0, HostFloats.scratch(2, g.image));
        }
    }

    /**
     * The weight as the GEMMs read it: itself for planar columns, a tap-major copy for channels-last
     * ones. A copy is the op's own, leased: the op releases it once its GEMMs are done, so the
     * block serves the next op at once instead of waiting for a collection.
     */
    private static BufferCache.Leased columnOrderWeight(INDArray weight, Geometry g) {
        return g.hwc ? HostFloats.lease(taps(weight, g), g.oc, g.k) : new BufferCache.Leased(weight, null);
    }

    /**
     * The weight's elements in the columns' order (tap-major for channels-last columns), in the calling
     * thread's scratch: used before the op's parts start, whose own scratch slots these are.
     */
    private static float[] taps(INDArray weight, Geometry g) {
        float[] w = HostFloats.readInto(weight, HostFloats.IN2);
        return g.hwc ? Im2colHwc.tapsMajor(w, g.oc, g.c, g.spec.kH(), g.spec.kW(), HostFloats.scratch(HostFloats.OUT,
                g.oc * g.k)) : w;
    }

    /** The forward GEMM's weight: {@link #columnOrderWeight}, with the bias (if any) as a last column {@code [OC, K + 1]}. */
    private static BufferCache.Leased gemmWeight(INDArray weight, INDArray bias, Geometry g) {
        if (bias == null) {
            return columnOrderWeight(weight, g);
        }
        float[] taps = taps(weight, g);
        float[] b = HostFloats.read(bias);
        float[] wb = HostFloats.scratch(HostFloats.IN, g.oc * (g.k + 1));
        for (int o = 0; o < g.oc; o++) {
            System.arraycopy(taps, o * g.k, wb, o * (g.k + 1), g.k);
            wb[o * (g.k + 1) + g.k] = b[o];
        }
        return HostFloats.lease(wb, g.oc, g.k + 1);
    }

    /** A weight gradient summed in the columns' order, as {@code [OC, C, kH, kW]}. */
    private static float[] planarOrder(float[] dw, Geometry g) {
        return g.hwc ? Im2colHwc.channelsMajor(dw, g.oc, g.c, g.spec.kH(), g.spec.kW(),
                HostFloats.scratch(HostFloats.OUT, g.oc * g.k)) : dw;
    }

    /** {@code Σ_p parts[p·len ..< (p+1)·len]} in part order, into the first block (returned). */
    private static float[] sum(float[] parts, int count, int len) {
        for (int p = 1; p < count; p++) {
            for (int i = 0; i < len; i++) {
                parts[i] += parts[p * len + i];
            }
        }
        return parts;
    }

    /** The per-channel sums of one image's output gradient {@code g[OC, P]}, in double. */
    private static double[] channelSums(float[] g, Geometry geo) {
        double[] acc = new double[geo.oc];
        for (int o = 0; o < geo.oc; o++) {
            acc[o] = PlaneSums.sum(g, o * geo.p, geo.p);
        }
        return acc;
    }

    /** {@code Σ_n sums[n]}, image by image in order (as one thread would add them), as floats. */
    private static float[] total(double[][] sums, int oc) {
        double[] acc = new double[oc];
        for (double[] image : sums) {
            for (int o = 0; o < oc; o++) {
                acc[o] += image[o];
            }
        }
        return Transfers.narrowed(acc);
    }

    /**
     * A pointer to {@code a}'s native buffer that a part moves along with {@code position}: made once
     * per part, as each one costs a native call and several objects (~30% of the bytes a LeNet step
     * allocated when made per GEMM).
     */
    private static FloatPointer ptr(INDArray a) {
        return new FloatPointer((FloatPointer) a.data().addressPointer());
    }

    /** The sizes of one convolution, as ints for BLAS. */
    private static final class Geometry {
        final int n;
        final int c;
        final int h;
        final int w;
        final int oc;
        final int oh;
        final int ow;
        final int p;
        final int k;
        final int image;
        final Conv2dSpec spec;
        /** Whether the columns are channels-last ({@link Im2colHwc}) rather than planar ({@link Im2col}). */
        final boolean hwc;

        Geometry(INDArray x, INDArray weight, Conv2dSpec s) {
            n = (int) x.size(0);
            c = (int) x.size(1);
            h = (int) x.size(2);
            w = (int) x.size(3);
            oc = (int) weight.size(0);
            oh = (int) s.outH(h);
            ow = (int) s.outW(w);
            p = oh * ow;
            k = c * s.kH() * s.kW();
            image = c * h * w;
            spec = s;
            hwc = Im2colHwc.suits(c, s, w, ow);
        }
    }

    // --- conv4: ReLU fused into max pooling; columns kept from forward to backward ---

    /** The largest column array a forward keeps for its backward (W6's second layer: 29 MB at batch 128). */
    static final long KEEP_CAP_BYTES = 64L << 20;

    @Override
    public Conv2dResult conv2dKeepingColumns(INDArray x, INDArray weight, INDArray bias, Conv2dSpec s) {
        return fits(x, weight, bias) ? forward(x, weight, bias, s, true)
                : new Conv2dResult(Nd4jConvOps.INSTANCE.conv2d(x, weight, bias, s), null);
    }

    @Override
    public MaxPool2dResult reluMaxPool2d(INDArray x, Conv2dSpec s) {
        return HostFloats.readable(x) && s.kH() * s.kW() <= CpuPool2d.MAX_RECORDED_WINDOW ? CpuPool2d.reluMax(x, s) : null;
    }

    @Override
    public BatchNorm2dPoolResult batchNorm2dReluMaxPool2d(INDArray x, INDArray weight, INDArray bias, double eps,
                                                         Conv2dSpec pool) {
        return HostFloats.readable(x) && (weight == null || HostFloats.readable(weight) && HostFloats.readable(bias))
                && pool.kH() * pool.kW() <= CpuPool2d.MAX_RECORDED_WINDOW
                ? CpuBatchNorm2d.forwardReluMaxPool(x, weight, bias, eps, pool) : null;
    }

    @Override
    public INDArray[] batchNorm2dReluMaxPool2dBackward(INDArray x, INDArray g, INDArray weight,
                                                       BatchNorm2dPoolResult forward, double eps, Conv2dSpec pool,
                                                       INDArray dx, double betaX) {
        return CpuBatchNorm2d.backwardReluMaxPool(x, g, weight, forward, eps, pool, dx, betaX);
    }

    // --- conv5: the weight gradient written into the engine's buffer ---

    @Override
    public INDArray[] conv2dBackwardInto(INDArray x, INDArray weight, boolean hasBias, INDArray g, Conv2dSpec s,
                                         INDArray dx, double betaX, INDArray dw, double betaW, boolean needB,
                                         Conv2dResult forward) {
        if (dw == null || !HostFloats.fits(dw) || !HostFloats.readable(x) || !HostFloats.readable(weight)
                || g.dataType() != DataType.FLOAT) {
            return ConvOps.super.conv2dBackwardInto(x, weight, hasBias, g, s, dx, betaX, dw, betaW, needB, forward);
        }
        return backward(x, weight, hasBias, g, s, dx, betaX, true, needB, forward, dw, betaW);
    }
}
