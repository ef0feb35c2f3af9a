package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One recurrent layer's forward over a whole sequence as a backend computed it ({@link Ops#lstmLayer},
 * {@link Ops#gruLayer}), holding what its backward needs, with the backward beside it. The
 * inputs, in the order of {@link #backward}'s gradient buffers: {@code xGates [N, T, G·H]} (the
 * input projections of every step), {@code weightHh [G·H, H]}, {@code biasHh [G·H]},
 * {@code h0 [N, H]} and, for an LSTM, {@code c0 [N, H]}.
 */
public interface RecurrentPass {
    int XGATES = 0;
    int WEIGHT_HH = 1;
    int BIAS_HH = 2;
    int H0 = 3;
    int C0 = 4;

    /** The hidden state of every step, {@code [N, T, H]}. */
    INDArray output();

    /** The final hidden state {@code [N, H]}. */
    INDArray h();

    /** The final cell state {@code [N, H]} of an LSTM; null for a GRU. */
    INDArray c();

    /**
     * Back-propagates {@code dOut [N, T, H]} (the gradient reaching {@link #output}) and
     * {@code dh}, {@code dc} (reaching {@link #h}, {@link #c}; null for none) into the gradient
     * buffers that are not null, indexed as the inputs ({@link #XGATES} ... {@link #C0}):
     * {@code grads[i] = betas[i]·grads[i] + ∂L/∂input_i}. Called at most once.
     */
    void backward(INDArray dOut, INDArray dh, INDArray dc, INDArray[] grads, double[] betas);
}
