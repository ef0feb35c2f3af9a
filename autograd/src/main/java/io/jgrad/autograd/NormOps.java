package io.jgrad.autograd;

import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.backend.BatchNormPass;
import io.jgrad.tensor.backend.BatchStats;
import io.jgrad.tensor.backend.LayerNormPass;
import io.jgrad.tensor.backend.Ops;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The normalisation op family: batch normalisation of {@code [N, C]} with the batch's own
 * statistics (training) or with fixed ones (evaluation). Each is one node whose backward writes
 * {@code dx}, {@code dγ}, {@code dβ} straight into the engine's buffers; the arithmetic is the
 * backend's {@link Ops#batchNorm} / {@link Ops#batchNormEval}.
 */
final class NormOps {
    private NormOps() {
    }

    /** Training mode; the result carries the batch mean and biased variance for the running statistics. */
    static Functional.BatchNormResult batchNorm(Variable x, Variable weight, Variable bias, double eps) {
        return batchNorm(x, weight, bias, eps, false);
    }

    /**
     * {@code batchNorm} followed by {@code relu} as one node, as {@link MatmulOps#linearRelu}: the
     * rectifier runs in place on the normalisation's own fresh result (the batch norm's backward
     * reads its input and statistics, never its output), so the pair makes one array and one
     * node fewer. Backward masks the incoming gradient by {@code y > 0} into an engine buffer
     * (ReLU's backward), then runs the batch norm's backward with it: the unfused pair's values
     * and gradients, bit for bit. Where the backend has the pair as one kernel
     * ({@link Ops#batchNormRelu}: float32 on {@code cpu}), the rectifier and the mask run inside
     * the batch norm's own passes instead, with the same bits.
     */
    static Functional.BatchNormResult batchNormRelu(Variable x, Variable weight, Variable bias, double eps) {
        return batchNorm(x, weight, bias, eps, true);
    }

    private static Functional.BatchNormResult batchNorm(Variable x, Variable weight, Variable bias, double eps,
                                                        boolean relu) {
        Variable[] inputs = inputs(x, weight, bias);
        long[] shape = x.shape();
        if (shape.length != 2 || shape[0] == 0 || weight != null
                && (weight.value().size() != shape[1] || bias.value().size() != shape[1])) {
            throw new IllegalArgumentException("batchNorm: input " + Shapes.str(shape) + " must be [N > 0, C]"
                    + (weight == null ? "" : " with weight and bias of size C, got " + Shapes.str(weight.shape())
                    + " and " + Shapes.str(bias.shape())));
        }
        Ops ops = Ops.get();
        INDArray xa = x.value().array();
        INDArray y = ops.newArray(xa.dataType(), xa.shape());
        BatchNormPass fused = relu ? ops.batchNormRelu(xa, array(weight), array(bias), eps, y) : null;
        if (fused != null) {
            return new Functional.BatchNormResult(record("batchNorm_relu", y, fused, inputs), fused.stats());
        }
        BatchNormPass pass = ops.batchNorm(xa, array(weight), array(bias), eps, y);
        if (relu) {
            ops.relu(y, y);
            return new Functional.BatchNormResult(record("batchNorm_relu", y, masked(ops, y, pass), inputs), pass.stats());
        }
        return new Functional.BatchNormResult(record("batchNorm", y, pass, inputs), pass.stats());
    }

    /** Evaluation mode: {@code y = x·scale + shift}, {@code scale = γ/√(var + eps)}, {@code shift = β − mean·scale}. */
    static Variable batchNormEval(Variable x, Variable weight, Variable bias, INDArray mean, INDArray var, double eps) {
        Variable[] inputs = inputs(x, weight, bias);
        long[] shape = x.shape();
        if (shape.length != 2 || mean.length() != shape[1] || var.length() != shape[1]) {
            throw new IllegalArgumentException("batchNormEval: input " + Shapes.str(shape) + " must be [N, C] with mean "
                    + "and var of size C, got " + Shapes.str(mean.shape()) + " and " + Shapes.str(var.shape()));
        }
        Ops ops = Ops.get();
        INDArray xa = x.value().array();
        INDArray y = ops.newArray(xa.dataType(), xa.shape());
        BatchNormPass pass = ops.batchNormEval(xa, array(weight), array(bias), mean, var, eps, y);
        return record("batchNormEval", y, pass, inputs);
    }

    /**
     * Layer normalisation over the last dimension of {@code x [..., C]}: one node over the rows
     * {@code [R, C]}, the backend's {@link Ops#layerNorm} forward and its pass's backward writing
     * {@code dx}, {@code dγ}, {@code dβ} straight into the engine's buffers.
     */
    static Variable layerNorm(Variable x, Variable weight, Variable bias, double eps) {
        long[] shape = x.shape();
        long c = shape.length == 0 ? 0 : shape[shape.length - 1];
        if (shape.length == 0 || c == 0 || (weight == null) != (bias == null)
                || weight != null && (weight.value().size() != c || bias.value().size() != c)) {
            throw new IllegalArgumentException("layerNorm: input " + Shapes.str(shape) + " must be [..., C > 0] with "
                    + "weight and bias of size C or both null, got " + (weight == null ? "null" : Shapes.str(weight.shape()))
                    + " and " + (bias == null ? "null" : Shapes.str(bias.shape())));
        }
        ElementwiseOps.checkSameType("layerNorm", x, weight == null ? x : weight);
        Ops ops = Ops.get();
        INDArray xa = x.value().array();
        long rows = xa.length() / c;
        INDArray x2 = xa.reshape('c', rows, c);
        INDArray y = ops.newArray(xa.dataType(), rows, c);
        LayerNormPass pass = ops.layerNorm(x2, array(weight), array(bias), eps, y);
        Variable[] inputs = weight == null ? new Variable[] {x} : new Variable[] {x, weight, bias};
        boolean affine = weight != null;
        return Variable.fromAccumulatingOp("layerNorm", y.reshape('c', shape), (g, sink) -> {
            GradSink.Target tx = sink.requires(0) ? sink.target(0) : null;
            GradSink.Target tw = affine && sink.requires(1) ? sink.target(1) : null;
            GradSink.Target tb = affine && sink.requires(2) ? sink.target(2) : null;
            // the target is row-major (GradSink's contract), so this reshape is a view of it, written through
            INDArray dx = tx == null ? null : tx.array().reshape('c', rows, c);
            pass.backward(g.reshape('c', rows, c), dx, tx == null ? 0 : tx.beta(),
                    tw == null ? null : tw.array(), tw == null ? 0 : tw.beta(),
                    tb == null ? null : tb.array(), tb == null ? 0 : tb.beta());
        }, inputs);
    }

    /** {@code pass}'s backward fed with ReLU's backward of {@code y} (the rectified output), in a pooled buffer. */
    private static BatchNormPass masked(Ops ops, INDArray y, BatchNormPass pass) {
        return new BatchNormPass() {
            @Override
            public BatchStats stats() {
                return pass.stats();
            }

            @Override
            public double[] mean() {
                return pass.mean();
            }

            @Override
            public double[] var() {
                return pass.var();
            }

            @Override
            public void backward(INDArray g, INDArray dx, double betaX, INDArray dWeight, double betaW,
                                 INDArray dBias, double betaB) {
                INDArray gm = ops.reluBackward(y, g, GradPool.acquire(g.dataType(), g.shape()), 0);
                try {
                    pass.backward(gm, dx, betaX, dWeight, betaW, dBias, betaB);
                } finally {
                    GradPool.release(gm);
                }
            }
        };
    }

    private static Variable record(String op, INDArray y, BatchNormPass pass, Variable[] inputs) {
        boolean affine = inputs.length == 3;
        return Variable.fromAccumulatingOp(op, y, (g, sink) -> {
            GradSink.Target tx = sink.requires(0) ? sink.target(0) : null;
            GradSink.Target tw = affine && sink.requires(1) ? sink.target(1) : null;
            GradSink.Target tb = affine && sink.requires(2) ? sink.target(2) : null;
            pass.backward(g, tx == null ? null : tx.array(), tx == null ? 0 : tx.beta(),
                    tw == null ? null : tw.array(), tw == null ? 0 : tw.beta(),
                    tb == null ? null : tb.array(), tb == null ? 0 : tb.beta());
        }, inputs);
    }

    private static INDArray array(Variable v) {
        return v == null ? null : v.value().array();
    }

    private static Variable[] inputs(Variable x, Variable weight, Variable bias) {
        if ((weight == null) != (bias == null)) {
            throw new IllegalArgumentException("batchNorm: weight and bias must both be given or both be null");
        }
        return weight == null ? new Variable[] {x} : new Variable[] {x, weight, bias};
    }
}
