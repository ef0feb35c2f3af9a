package io.jgrad.nn;

import io.jgrad.autograd.Functional;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import java.util.function.UnaryOperator;

/**
 * A multi-layer long short-term memory (Hochreiter and Schmidhuber, 1997) as PyTorch's
 * {@code nn.LSTM(input, hidden, num_layers, batch_first=True)}: gates i, f, g, o;
 * {@code c' = f·c + i·g}, {@code h' = o·tanh(c')}; PyTorch's keys and init, so state dicts move
 * both ways. Each layer is one graph node ({@link Functional#lstmLayer}): one GEMM for the input
 * projections of all steps, then one GEMM and one fused cell per step.
 */
public class LSTM extends RecurrentModule {

    /** The last layer's outputs {@code [N, T, H]} and the final states {@code h}, {@code c [numLayers, N, H]}. */
    public record Output(Variable output, Variable h, Variable c) {
    }

    /** An LSTM initialised from the global generator ({@link Rng#manualSeed}). */
    public LSTM(int inputSize, int hiddenSize, int numLayers) {
        this(inputSize, hiddenSize, numLayers, Rng.global());
    }

    /** An LSTM initialised from {@code rng}. */
    public LSTM(int inputSize, int hiddenSize, int numLayers, Rng rng) {
        super("LSTM", 4, inputSize, hiddenSize, numLayers, rng);
    }

    /** The last layer's outputs {@code [N, T, hidden]} for {@code x [N, T, input]} from a zero initial state. */
    @Override
    public Variable forward(Variable x) {
        return forward(x, null, null).output();
    }

    /**
     * The outputs and final states from the initial states {@code h0}, {@code c0 [numLayers, N, hidden]}
     * (both null for zeros).
     *
     * @throws IllegalArgumentException for a wrong shape, naming it, or only one of h0 and c0
     */
    public Output forward(Variable x, Variable h0, Variable c0) {
        checkInput(x);
        if ((h0 == null) != (c0 == null)) {
            throw new IllegalArgumentException("LSTM.forward: give both h0 and c0 or neither");
        }
        long n = x.shape()[0];
        Variable layerIn = x;
        Variable[] hs = new Variable[numLayers()];
        Variable[] cs = new Variable[numLayers()];
        for (int k = 0; k < numLayers(); k++) {
            int layer = k;
            Functional.LstmResult[] r = new Functional.LstmResult[1];
            UnaryOperator<Variable> run = in -> (r[0] = Functional.lstmLayer(in, weightIh(layer), biasIh(layer),
                    weightHh(layer), biasHh(layer), initial("h0", h0, layer, n, x), initial("c0", c0, layer, n, x)))
                    .output();
            // a lower layer's output feeds only the next layer: its memory goes back once backward is past it
            layerIn = layer + 1 < numLayers() ? Functional.intermediate(run, layerIn) : run.apply(layerIn);
            hs[k] = r[0].h();
            cs[k] = r[0].c();
        }
        return new Output(layerIn, Variable.stack(0, hs), Variable.stack(0, cs));
    }
}
