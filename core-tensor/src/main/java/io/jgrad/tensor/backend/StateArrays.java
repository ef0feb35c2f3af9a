package io.jgrad.tensor.backend;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The heap arrays a {@code cpu} recurrent layer keeps from its forward to its backward (every
 * step's gate activations and states, several megabytes a layer), handed back once the backward
 * has read them and handed out again to the next forward of the same shape. Fresh ones cost a
 * zero-fill each forward ({@code memset}: 2.6% of W8's samples) and the young collections that
 * follow; the layer overwrites every element before reading it, so a reused block needs none.
 * A few blocks per shape are kept; a block whose backward never runs (inference, {@code noGrad})
 * is left to the collector.
 */
final class StateArrays {
    /** Blocks kept per shape: two layers, a few parts each. */
    private static final int KEEP = 16;
    private static final ConcurrentHashMap<Shape, ConcurrentLinkedDeque<float[][][]>> FREE = new ConcurrentHashMap<>();

    private record Shape(int steps, int arrays, int len) {
    }

    private StateArrays() {
    }

    /** {@code steps × arrays} arrays of {@code len} floats each, contents undefined. */
    static float[][][] take(int steps, int arrays, int len) {
        ConcurrentLinkedDeque<float[][][]> free = FREE.get(new Shape(steps, arrays, len));
        float[][][] block = free == null ? null : free.pollFirst();
        return block != null ? block : new float[steps][arrays][len];
    }

    /** Gives back a block from {@link #take}; the caller must not touch it afterwards. */
    static void give(float[][][] block) {
        Shape shape = new Shape(block.length, block[0].length, block[0][0].length);
        ConcurrentLinkedDeque<float[][][]> free = FREE.computeIfAbsent(shape, s -> new ConcurrentLinkedDeque<>());
        if (free.size() < KEEP) {
            free.offerFirst(block);
        }
    }
}
