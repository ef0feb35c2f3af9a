package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.backend.NdArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code y = x} for {@code x > 0}, else {@code negativeSlope·x} (PyTorch's {@code nn.LeakyReLU});
 * the gradient at 0 is {@code negativeSlope}, as in PyTorch.
 */
public class LeakyReLU extends Module {
    private final double negativeSlope;

    /** PyTorch's default slope 0.01. */
    public LeakyReLU() {
        this(0.01);
    }

    public LeakyReLU(double negativeSlope) {
        if (!Double.isFinite(negativeSlope)) {
            throw new IllegalArgumentException("LeakyReLU: negativeSlope must be finite, got " + negativeSlope);
        }
        this.negativeSlope = negativeSlope;
    }

    public double negativeSlope() {
        return negativeSlope;
    }

    @Override
    public Variable forward(Variable x) {
        return leakyRelu(x, negativeSlope);
    }

    /** The op itself: one node, backward {@code g·(x > 0 ? 1 : slope)}. */
    public static Variable leakyRelu(Variable x, double slope) {
        INDArray xa = x.value().array();
        INDArray y = NdArrays.leakyRelu(xa, slope);
        return Variable.fromOp("leakyRelu", y, g ->
                new INDArray[] {NdArrays.step(xa).muli(1 - slope).addi(slope).muli(g)}, x);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + PyRepr.number(negativeSlope);
    }
}
