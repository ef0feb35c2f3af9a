package io.jgrad.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Adam and SGD-momentum updates as single fused passes over float32 parameters
 * ({@link HostChunks}): each element of parameter, gradient and state is read once and written
 * once, in float arithmetic in PyTorch's order of operations, instead of ten (Adam) or three
 * (SGD) native calls each making a full pass. Adam's pass is {@link AdamPass}, which also keeps
 * W1's stuck subnormal moments off the float loop. Kernels of the {@code cpu} backend: its
 * {@code Ops} uses them when every array is dense float32 and ND4J's form otherwise.
 */
public final class UpdateKernels {
    private static final boolean[] P_BUF_WRITTEN = {true, false, true};

    private UpdateKernels() {
    }

    /**
     * One Adam step (amsgrad off), PyTorch 1.13's single-tensor form:
     * {@code d = g + λp; m = β₁m + (1-β₁)d; v = β₂v + (1-β₂)d²;
     * p = p - stepSize · m / (√v / bias2Sqrt + eps)}.
     */
    public static void adam(INDArray p, INDArray g, INDArray m, INDArray v, double beta1, double beta2, double eps,
                     double weightDecay, double stepSize, double bias2Sqrt) {
        new AdamPass(p, g, m, v, beta1, beta2, eps, weightDecay, stepSize, bias2Sqrt).run();
    }

    /**
     * One SGD step with a momentum buffer that already exists, PyTorch 1.13's form:
     * {@code d = g + λp; b = μb + (1-τ)d; d = nesterov ? d + μb : b; p = p - lr·d}.
     */
    public static void sgdMomentum(INDArray p, INDArray g, INDArray buf, double lr, double momentum, double dampening,
                            boolean nesterov, double weightDecay) {
        float mu = (float) momentum;
        float omd = (float) (1 - dampening);
        float wd = (float) weightDecay;
        float neg = (float) -lr;
        HostChunks.run("sgd momentum", (c, n) -> {
            float[] pc = c[0];
            float[] gc = c[1];
            float[] bc = c[2];
            for (int i = 0; i < n; i++) {
                float d = wd == 0 ? gc[i] : gc[i] + wd * pc[i];
                float b = bc[i] * mu + omd * d;
                bc[i] = b;
                pc[i] = pc[i] + neg * (nesterov ? d + mu * b : b);
            }
        }, P_BUF_WRITTEN, p, g, buf);
    }
}
