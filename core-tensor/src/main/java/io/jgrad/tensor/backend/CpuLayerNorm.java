package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code cpu} backend's layer normalisation of the rows of {@code x [R, C]}: one pass per row
 * block forward (mean and biased variance in double, {@code y = (x − mean)·rstd·γ + β}, the mean
 * and {@code rstd = 1/√(var + eps)} kept on the heap) and one backward (PyTorch's per-row closed
 * form, {@code dx = rstd·ĝ + b·x + c} with {@code ĝ = g·γ}, {@code b = (Σĝ·mean − Σĝ·x)·rstd³/C},
 * {@code c = −b·mean − Σĝ·rstd/C}, and the γ/β gradients summed per part and combined in part
 * order). Where the autograd form it replaces made ~15 ND4J calls and broadcasts, this reads x
 * and writes y once. Float32 operands that are {@link Dense#readableRowMajor} only ({@link #fits}).
 */
final class CpuLayerNorm implements LayerNormPass {
    /** Rows per part: at least ~64K elements, so a split over two cores pays for its hand-off. */
    private static final long GRAIN_ELEMENTS = 1 << 16;
    /** Elements per block a thread copies to the heap at once (fits in L2). */
    private static final int BLOCK_ELEMENTS = 1 << 14;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][0]);

    private final INDArray x;
    private final float[] gamma;
    private final double[] mean;
    private final double[] rstd;
    private final int rows;
    private final int cols;

    private CpuLayerNorm(INDArray x, float[] gamma, double[] mean, double[] rstd) {
        this.x = x;
        this.gamma = gamma;
        this.mean = mean;
        this.rstd = rstd;
        this.rows = (int) x.size(0);
        this.cols = (int) x.size(1);
    }

    static boolean fits(INDArray x, INDArray weight, INDArray bias, INDArray y) {
        return x.rank() == 2 && x.length() < Integer.MAX_VALUE && readable(x) && Dense.float32(y)
                && (weight == null || readable(weight)) && (bias == null || readable(bias));
    }

    private static boolean readable(INDArray a) {
        return a.dataType() == DataType.FLOAT && Dense.readableRowMajor(a);
    }

    static LayerNormPass forward(INDArray x, INDArray weight, INDArray bias, double eps, INDArray y) {
        int r = (int) x.size(0);
        int c = (int) x.size(1);
        float[] gamma = weight == null ? null : HostFloats.read(weight);
        float[] beta = bias == null ? null : HostFloats.read(bias);
        double[] mean = new double[r];
        double[] rstd = new double[r];
        HostSpan xs = Transfers.hostView(x);
        HostSpan ys = Transfers.hostView(y);
        Parallel.forRange("layerNorm", r, Math.max(1, GRAIN_ELEMENTS / c), (from, to) -> {
            int block = Math.max(1, BLOCK_ELEMENTS / c);
            for (int r0 = (int) from; r0 < to; r0 += block) {
                int n = Math.min(block, (int) to - r0);
                float[] xb = scratch(0, n * c);
                xs.get(r0 * c, xb, 0, n * c);
                for (int i = 0; i < n; i++) {
                    int o = i * c;
                    double s = 0;
                    for (int j = 0; j < c; j++) {
                        s += xb[o + j];
                    }
                    double m = s / c;
                    double v = 0;
                    for (int j = 0; j < c; j++) {
                        double d = xb[o + j] - m;
                        v += d * d;
                    }
                    double rs = 1 / Math.sqrt(v / c + eps);
                    mean[r0 + i] = m;
                    rstd[r0 + i] = rs;
                    normalize(xb, o, c, (float) rs, (float) (-m * rs), gamma, beta);
                }
                ys.put(r0 * c, xb, 0, n * c);
            }
        });
        return new CpuLayerNorm(x, gamma, mean, rstd);
    }

    /**
     * {@code b[o + j] = (b[o + j]·scale + shift)·γ_j + β_j} in float32, as PyTorch's CPU kernel
     * ({@code scale = rstd}, {@code shift = −mean·rstd}); one loop per case, so that C2
     * vectorizes each (the double form ran scalar).
     */
    private static void normalize(float[] b, int o, int c, float scale, float shift, float[] gamma, float[] beta) {
        if (gamma != null && beta != null) {
            for (int j = 0; j < c; j++) {
                b[o + j] = (b[o + j] * scale + shift) * gamma[j] + beta[j];
            }
        } else if (gamma != null) {
            for (int j = 0; j < c; j++) {
                b[o + j] = (b[o + j] * scale + shift) * gamma[j];
            }
        } else if (beta != null) {
            for (int j = 0; j < c; j++) {
                b[o + j] = b[o + j] * scale + shift + beta[j];
            }
        } else {
            for (int j = 0; j < c; j++) {
                b[o + j] = b[o + j] * scale + shift;
            }
        }
    }

    @Override
    public void backward(INDArray g, INDArray dx, double betaX, INDArray dWeight, double betaW, INDArray dBias,
                         double betaB) {
        INDArray gd = readable(g) ? g : g.castTo(DataType.FLOAT).dup('c');
        // dx may be a reshaped view of the engine's gradient buffer: written through, in order, on purpose
        INDArray dxd = dx == null || readable(dx) ? dx : Nd4j.createUninitialized(DataType.FLOAT, rows, cols);
        double bx = dxd == dx ? betaX : 0;
        boolean params = dWeight != null || dBias != null;
        Parallel.Partition parts = Parallel.partition(rows, Math.max(1, GRAIN_ELEMENTS / cols));
        double[][] dw = new double[parts.parts()][params ? cols : 0];
        double[][] db = new double[parts.parts()][params ? cols : 0];
        HostSpan xs = Transfers.hostView(x);
        HostSpan gs = Transfers.hostView(gd);
        HostSpan ds = dxd == null ? null : Transfers.hostView(dxd);
        Parallel.run("layerNormBackward", parts, (part, from, to) -> {
            int block = Math.max(1, BLOCK_ELEMENTS / cols);
            for (int r0 = (int) from; r0 < to; r0 += block) {
                int n = Math.min(block, (int) to - r0);
                float[] xb = scratch(0, n * cols);
                float[] gb = scratch(1, n * cols);
                float[] db0 = scratch(2, n * cols);
                xs.get(r0 * cols, xb, 0, n * cols);
                gs.get(r0 * cols, gb, 0, n * cols);
                if (ds != null && bx != 0) {
                    ds.get(r0 * cols, db0, 0, n * cols);
                }
                for (int i = 0; i < n; i++) {
                    rowBackward(r0 + i, xb, gb, db0, i * cols, ds != null, bx, params ? dw[part] : null, db[part]);
                }
                if (ds != null) {
                    ds.put(r0 * cols, db0, 0, n * cols);
                }
            }
        });
        if (dxd != dx) {
            Nd4jOps.accumulate(dx, dxd.reshape(dx.shape()), betaX);
        }
        if (dWeight != null) {
            store(sum(dw), dWeight, betaW);
        }
        if (dBias != null) {
            store(sum(db), dBias, betaB);
        }
    }

    /** One row: its dx into {@code out} (when wanted) and its γ/β terms onto the part's sums. */
    private void rowBackward(int row, float[] xb, float[] gb, float[] out, int o, boolean wantDx, double bx,
                             double[] dw, double[] db) {
        double m = mean[row];
        double rs = rstd[row];
        if (dw != null) {
            for (int j = 0; j < cols; j++) {
                dw[j] += gb[o + j] * ((xb[o + j] - m) * rs);
                db[j] += gb[o + j];
            }
        }
        if (!wantDx) {
            return;
        }
        double sgx = 0;
        double sg = 0;
        for (int j = 0; j < cols; j++) {
            double gh = gamma == null ? gb[o + j] : (double) gb[o + j] * gamma[j];
            sgx += gh * xb[o + j];
            sg += gh;
        }
        double b = (sg * m - sgx) * rs * rs * rs / cols;
        double c = -b * m - sg * rs / cols;
        float rsf = (float) rs;
        float bf = (float) b;
        float cf = (float) c;
        float bxf = (float) bx;
        // float32 from here, as PyTorch's kernel (dx = rstd·γ·g + b·x + c); one loop per case so C2 vectorizes it
        if (gamma != null && bx == 0) {
            for (int j = 0; j < cols; j++) {
                out[o + j] = rsf * (gb[o + j] * gamma[j]) + bf * xb[o + j] + cf;
            }
        } else if (gamma != null) {
            for (int j = 0; j < cols; j++) {
                out[o + j] = bxf * out[o + j] + (rsf * (gb[o + j] * gamma[j]) + bf * xb[o + j] + cf);
            }
        } else if (bx == 0) {
            for (int j = 0; j < cols; j++) {
                out[o + j] = rsf * gb[o + j] + bf * xb[o + j] + cf;
            }
        } else {
            for (int j = 0; j < cols; j++) {
                out[o + j] = bxf * out[o + j] + (rsf * gb[o + j] + bf * xb[o + j] + cf);
            }
        }
    }

    /** The parts' sums added in part order. */
    private double[] sum(double[][] perPart) {
        double[] s = new double[cols];
        for (double[] p : perPart) {
            for (int j = 0; j < cols; j++) {
                s[j] += p[j];
            }
        }
        return s;
    }

    private static void store(double[] s, INDArray dst, double beta) {
        float[] out = new float[s.length];
        float[] old = beta == 0 ? null : HostFloats.read(dst);
        for (int j = 0; j < s.length; j++) {
            out[j] = (float) (old == null ? s[j] : beta * old[j] + s[j]);
        }
        if (Dense.float32(dst)) {
            Transfers.hostView(dst).put(0, out);
        } else {
            dst.assign(Nd4j.create(out, dst.shape(), 'c').castTo(dst.dataType()));
        }
    }

    private static float[] scratch(int slot, int n) {
        float[][] s = SCRATCH.get();
        if (s[slot].length < n) {
            s[slot] = new float[n];
        }
        return s[slot];
    }
}
