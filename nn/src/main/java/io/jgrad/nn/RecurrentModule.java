package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;

/**
 * What {@link LSTM} and {@link GRU} share: PyTorch's parameters per layer {@code k}
 * ({@code weight_ih_l{k} [G·H, in]}, {@code weight_hh_l{k} [G·H, H]}, {@code bias_ih_l{k}},
 * {@code bias_hh_l{k} [G·H]} for G gates, all initialised U(−1/√H, 1/√H)) and the checks of a
 * batch-first input and of initial states.
 */
abstract class RecurrentModule extends Module {
    private final String name;
    private final int gates;
    private final int inputSize;
    private final int hiddenSize;
    private final int numLayers;
    private final Parameter[] weightIh;
    private final Parameter[] weightHh;
    private final Parameter[] biasIh;
    private final Parameter[] biasHh;

    RecurrentModule(String name, int gates, int inputSize, int hiddenSize, int numLayers, Rng rng) {
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0) {
            throw new IllegalArgumentException(name + ": inputSize, hiddenSize and numLayers must be positive, got "
                    + inputSize + ", " + hiddenSize + ", " + numLayers);
        }
        this.name = name;
        this.gates = gates;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        weightIh = new Parameter[numLayers];
        weightHh = new Parameter[numLayers];
        biasIh = new Parameter[numLayers];
        biasHh = new Parameter[numLayers];
        double bound = 1 / Math.sqrt(hiddenSize);
        for (int k = 0; k < numLayers; k++) {
            int in = k == 0 ? inputSize : hiddenSize;
            weightIh[k] = registerParameter("weight_ih_l" + k, new Parameter(Tensor.zeros(gates * hiddenSize, in)));
            weightHh[k] = registerParameter("weight_hh_l" + k, new Parameter(Tensor.zeros(gates * hiddenSize, hiddenSize)));
            biasIh[k] = registerParameter("bias_ih_l" + k, new Parameter(Tensor.zeros(gates * hiddenSize)));
            biasHh[k] = registerParameter("bias_hh_l" + k, new Parameter(Tensor.zeros(gates * hiddenSize)));
        }
        for (Parameter p : parameters()) {
            Init.uniform(p.value(), -bound, bound, rng);
        }
    }

    public int inputSize() {
        return inputSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public int numLayers() {
        return numLayers;
    }

    Parameter weightIh(int k) {
        return weightIh[k];
    }

    Parameter biasIh(int k) {
        return biasIh[k];
    }

    Parameter weightHh(int k) {
        return weightHh[k];
    }

    Parameter biasHh(int k) {
        return biasHh[k];
    }

    /** Checks {@code x [N, T, inputSize]} (N, T at least 1). */
    void checkInput(Variable x) {
        long[] s = x == null ? null : x.shape();
        if (s == null || s.length != 3 || s[2] != inputSize || s[0] == 0 || s[1] == 0) {
            throw new IllegalArgumentException(name + "(" + inputSize + ", " + hiddenSize + ", " + numLayers
                    + ").forward: expected batch-first input [N, T, " + inputSize + "], got "
                    + (s == null ? "null" : Shapes.str(s)));
        }
    }

    /** Layer {@code k}'s initial state {@code [N, H]} from {@code all [numLayers, N, H]}, or zeros when it is null. */
    Variable initial(String what, Variable all, int k, long n, Variable like) {
        if (all == null) {
            return Variable.constant(Tensor.zeros(like.value().dtype(), n, hiddenSize));
        }
        long[] s = all.shape();
        if (s.length != 3 || s[0] != numLayers || s[1] != n || s[2] != hiddenSize) {
            throw new IllegalArgumentException(name + ".forward: " + what + " must be [numLayers, N, hidden] = ["
                    + numLayers + ", " + n + ", " + hiddenSize + "], got " + Shapes.str(s));
        }
        return all.narrow(0, k, 1).reshape(n, hiddenSize);
    }

    @Override
    protected String extraRepr() {
        return inputSize + ", " + hiddenSize + (numLayers == 1 ? "" : ", num_layers=" + numLayers) + ", batch_first=True";
    }
}
