package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One recurrent layer's forward over a whole sequence as a backend computed it ({@link Ops#lstmLayer},
 * {@link Ops#gruLayer}), holding what its backward needs, with the backward beside it. The
 * inputs, in the order of {@link #backward}'s gradient buffers: {@code x [N, T, I]},
 * {@code weightIh [G·H, I]}, {@code biasIh [G·H]}, {@code weightHh [G·H, H]},
 * {@code biasHh [G·H]}, {@code h0 [N, H]} and, for an LSTM, {@code c0 [N, H]}.
 */
public interface RecurrentPass {
    int X = 0;
    int WEIGHT_IH = 1;
    int BIAS_IH = 2;
    int WEIGHT_HH = 3;
    int BIAS_HH = 4;
    int H0 = 5;
    int C0 = 6;

    /** The hidden state of every step, {@code [N, T, H]}. */
    INDArray output();

    /** The final hidden state {@code [N, H]}. */
    INDArray h();

    /** The final cell state {@code [N, H]} of an LSTM; null for a GRU. */
    INDArray c();

    /**
     * Back-propagates {@code dOut [N, T, H]} (the gradient reaching {@link #output}) and
     * {@code dh}, {@code dc} (reaching {@link #h}, {@link #c}; null for none) into the gradient
     * buffers that are not null, indexed as the inputs ({@link #X} ... {@link #C0}):
     * {@code grads[i] = betas[i]·grads[i] + ∂L/∂input_i}. Called at most once.
     */
    void backward(INDArray dOut, INDArray dh, INDArray dc, INDArray[] grads, double[] betas);

    /**
     * Tells the pass that {@link #backward} has run and will not run again (the graph is not
     * retained), so it may hand back the memory it kept for it now rather than through the
     * collector. Nothing of the pass may be used afterwards.
     */
    default void release() {
    }
}
