package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cpu} backend's GELU (exact, erf form, PyTorch's default) as one JVM pass each way:
 * forward {@code x·Φ(x)}, {@code Φ(x) = (1 + erf(x/√2))/2}; backward {@code g·(Φ(x) + x·φ(x))},
 * {@code φ(x) = e^{−x²/2}/√(2π)}, in vectorizable float32 arithmetic ({@link GeluFloat}) over
 * cache-sized blocks, split over the cores. Where the ND4J form made seven calls and four
 * temporaries forward and six backward, this reads its inputs and writes its output once.
 * Float32 operands that are {@link Dense#readableRowMajor} only ({@link #fits}).
 */
final class CpuGelu {
    private static final long GRAIN_ELEMENTS = 1 << 15;
    private static final int BLOCK = 2048;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][BLOCK]);

    private CpuGelu() {
    }

    static boolean fits(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT || !Dense.readableRowMajor(a) || a.length() >= Integer.MAX_VALUE) {
                return false;
            }
        }
        return true;
    }

    static INDArray forward(INDArray x, INDArray out) {
        HostSpan xs = Transfers.hostView(x);
        HostSpan os = Transfers.hostView(out);
        Parallel.forRange("gelu", x.length(), GRAIN_ELEMENTS, (from, to) -> {
            float[][] s = SCRATCH.get();
            float[] b = s[0];
            for (int at = (int) from; at < to; at += BLOCK) {
                int n = Math.min(BLOCK, (int) to - at);
                xs.get(at, b, 0, n);
                GeluFloat.forward(b, s[2], s[3], n);
                os.put(at, b, 0, n);
            }
        });
        return out;
    }

    static INDArray backward(INDArray x, INDArray g, INDArray dst) {
        HostSpan xs = Transfers.hostView(x);
        HostSpan gs = Transfers.hostView(g);
        HostSpan ds = Transfers.hostView(dst);
        Parallel.forRange("geluBackward", x.length(), GRAIN_ELEMENTS, (from, to) -> {
            float[][] s = SCRATCH.get();
            float[] xb = s[0];
            float[] gb = s[1];
            for (int at = (int) from; at < to; at += BLOCK) {
                int n = Math.min(BLOCK, (int) to - at);
                xs.get(at, xb, 0, n);
                gs.get(at, gb, 0, n);
                GeluFloat.backward(xb, gb, s[2], s[3], n);
                ds.put(at, gb, 0, n);
            }
        });
        return dst;
    }
}
