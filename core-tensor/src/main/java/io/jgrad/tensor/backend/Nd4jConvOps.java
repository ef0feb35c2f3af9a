package io.jgrad.tensor.backend;

import io.jgrad.tensor.Shapes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ConvOps} through libnd4j's declarable ops ({@code conv2d}, {@code conv2d_bp},
 * {@code maxpool2d}, {@code maxpool2d_bp}, {@code avgpool2d}, {@code avgpool2d_bp}) in NCHW
 * with PyTorch's {@code [OC, C, kH, kW]} weight layout: no host pointer and no JVM loop, so it
 * runs wherever ND4J runs, CUDA included. Also the CPU backend's path for float64.
 */
final class Nd4jConvOps implements ConvOps {
    static final Nd4jConvOps INSTANCE = new Nd4jConvOps();

    private static final int NCHW = 0;
    private static final int WEIGHT_OIHW = 1;

    private Nd4jConvOps() {
    }

    @Override
    public INDArray conv2d(INDArray x, INDArray weight, INDArray bias, Conv2dSpec s) {
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.size(0), weight.size(0), s.outH(x.size(2)), s.outW(x.size(3)));
        INDArray[] in = bias == null ? new INDArray[] {x, weight} : new INDArray[] {x, weight, bias};
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(in).addOutputs(out).addIntegerArguments(convArgs(s)).build());
        return out;
    }

    @Override
    public INDArray[] conv2dBackward(INDArray x, INDArray weight, boolean hasBias, INDArray g, Conv2dSpec s,
                                     INDArray dxDst, double betaX, boolean needW, boolean needB) {
        // conv2d_bp computes all gradients at once; it needs the bias only for its shape
        INDArray dx = Nd4j.createUninitialized(x.dataType(), x.shape());
        INDArray dw = Nd4j.createUninitialized(weight.dataType(), weight.shape());
        INDArray gc = g.dup('c');
        INDArray db = hasBias ? Nd4j.createUninitialized(weight.dataType(), weight.size(0)) : null;
        INDArray[] in = hasBias ? new INDArray[] {x, weight, Nd4j.zeros(weight.dataType(), weight.size(0)), gc}
                : new INDArray[] {x, weight, gc};
        INDArray[] out = hasBias ? new INDArray[] {dx, dw, db} : new INDArray[] {dx, dw};
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(in).addOutputs(out)
                .addIntegerArguments(convArgs(s)).build());
        if (dxDst != null) {
            ConvOps.accumulate(dxDst, betaX, dx);
        }
        return new INDArray[] {dxDst, needW ? dw : null, needB ? db : null};
    }

    @Override
    public MaxPool2dResult maxPool2d(INDArray x, Conv2dSpec s) {
        return new MaxPool2dResult(pool("maxpool2d", x, s, 0), null);
    }

    @Override
    public void maxPool2dBackward(INDArray x, INDArray g, Conv2dSpec s, MaxPool2dResult forward, INDArray dx,
                                  double beta) {
        ConvOps.accumulate(dx, beta, poolBackward("maxpool2d_bp", x, g, s, 0));
    }

    @Override
    public INDArray avgPool2d(INDArray x, Conv2dSpec s) {
        return pool("avgpool2d", x, s, 1);
    }

    @Override
    public INDArray avgPool2dBackward(long[] xShape, INDArray g, Conv2dSpec s) {
        return poolBackward("avgpool2d_bp", Nd4j.zeros(g.dataType(), xShape), g, s, 1);
    }

    @Override
    public BatchNorm2dResult batchNorm2d(INDArray x, INDArray weight, INDArray bias, double eps) {
        return Nd4jBatchNorm2d.forward(x, weight, bias, eps);
    }

    /** ND4J's broadcasting {@code mul}, then {@code add} into the product (the composed ops' bits); an empty x gives an empty array. */
    @Override
    public INDArray channelAffine(INDArray x, INDArray alpha, INDArray beta) {
        if (x.length() == 0) {
            return Nd4j.create(x.dataType(), x.shape());              // ND4J's broadcasting ops refuse an empty array
        }
        long[] perChannel = Shapes.along(x.rank(), 1, x.size(1));
        return x.mul(alpha.reshape(perChannel)).addi(beta.reshape(perChannel));
    }

    @Override
    public INDArray[] batchNorm2dBackward(INDArray x, INDArray g, INDArray weight, BatchNorm2dResult forward, double eps,
                                          INDArray dx, double betaX) {
        INDArray[] d = Nd4jBatchNorm2d.backward(x, g, weight, forward, eps, dx != null);
        if (dx != null) {
            ConvOps.accumulate(dx, betaX, d[0]);
            d[0] = dx;
        }
        return d;
    }

    private static INDArray pool(String name, INDArray x, Conv2dSpec s, int includePad) {
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.size(0), x.size(1), s.outH(x.size(2)), s.outW(x.size(3)));
        Nd4j.exec(DynamicCustomOp.builder(name).addInputs(x).addOutputs(out)
                .addIntegerArguments(poolArgs(s, includePad)).build());
        return out;
    }

    private static INDArray poolBackward(String name, INDArray x, INDArray g, Conv2dSpec s, int includePad) {
        INDArray dx = Nd4j.createUninitialized(x.dataType(), x.shape());
        Nd4j.exec(DynamicCustomOp.builder(name).addInputs(x, g.dup('c')).addOutputs(dx)
                .addIntegerArguments(poolArgs(s, includePad)).build());
        return dx;
    }

    /** kH, kW, sH, sW, pH, pW, dH, dW, same-mode (0: explicit padding), layout, weight layout. */
    private static int[] convArgs(Conv2dSpec s) {
        return new int[] {s.kH(), s.kW(), s.sH(), s.sW(), s.pH(), s.pW(), s.dH(), s.dW(), 0, NCHW, WEIGHT_OIHW};
    }

    /** The window, then same-mode 0, the average's divisor rule (1: count padding), layout. */
    private static int[] poolArgs(Conv2dSpec s, int includePad) {
        return new int[] {s.kH(), s.kW(), s.sH(), s.sW(), s.pH(), s.pW(), s.dH(), s.dW(), 0, includePad, NCHW};
    }
}
