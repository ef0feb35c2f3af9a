package io.jgrad.nn;

import io.jgrad.autograd.Functional;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import java.util.function.UnaryOperator;

/**
 * A multi-layer gated recurrent unit (Cho et al., 2014) as PyTorch's
 * {@code nn.GRU(input, hidden, num_layers, batch_first=True)}: gates r, z, n with
 * {@code n = tanh(W_in·x + b_in + r·(W_hn·h + b_hn))}, {@code h' = (1 − z)·n + z·h}; PyTorch's
 * keys and init. Each layer is one graph node ({@link Functional#gruLayer}): one GEMM for the
 * input projections of all steps, then one GEMM and one fused cell per step.
 */
public class GRU extends RecurrentModule {

    /** The last layer's outputs {@code [N, T, H]} and the final hidden state {@code h [numLayers, N, H]}. */
    public record Output(Variable output, Variable h) {
    }

    /** A GRU initialised from the global generator ({@link Rng#manualSeed}). */
    public GRU(int inputSize, int hiddenSize, int numLayers) {
        this(inputSize, hiddenSize, numLayers, Rng.global());
    }

    /** A GRU initialised from {@code rng}. */
    public GRU(int inputSize, int hiddenSize, int numLayers, Rng rng) {
        super("GRU", 3, inputSize, hiddenSize, numLayers, rng);
    }

    /** The last layer's outputs {@code [N, T, hidden]} for {@code x [N, T, input]} from a zero initial state. */
    @Override
    public Variable forward(Variable x) {
        return forward(x, null).output();
    }

    /**
     * The outputs and final state from the initial state {@code h0 [numLayers, N, hidden]} (null for zeros).
     *
     * @throws IllegalArgumentException for a wrong shape, naming it
     */
    public Output forward(Variable x, Variable h0) {
        checkInput(x);
        long n = x.shape()[0];
        Variable layerIn = x;
        Variable[] hs = new Variable[numLayers()];
        for (int k = 0; k < numLayers(); k++) {
            int layer = k;
            Functional.GruResult[] r = new Functional.GruResult[1];
            UnaryOperator<Variable> run = in -> (r[0] = Functional.gruLayer(in, weightIh(layer), biasIh(layer),
                    weightHh(layer), biasHh(layer), initial("h0", h0, layer, n, x))).output();
            // a lower layer's output feeds only the next layer: its memory goes back once backward is past it
            layerIn = layer + 1 < numLayers() ? Functional.intermediate(run, layerIn) : run.apply(layerIn);
            hs[k] = r[0].h();
        }
        return new Output(layerIn, Variable.stack(0, hs));
    }
}
