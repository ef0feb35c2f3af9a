package io.jgrad.tensor.backend;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap arrays a {@code cpu} recurrent layer keeps from its forward to its backward (every
 * step's gate activations and states, several megabytes a layer), handed back once the backward
 * has read them and handed out again to the next forward of the same shape. Fresh ones cost a
 * zero-fill each forward ({@code memset}: 2.6% of W8's samples) and the young collections that
 * follow; the layer overwrites every element before reading it, so a reused block needs none.
 * Two pools, of {@code steps × arrays × len} blocks (per step, per gate) and of
 * {@code arrays × len} blocks (a state per step, or a pass's working rows). A few blocks per
 * shape are kept; a block whose backward never runs (inference, {@code noGrad}) is left to the
 * collector.
 */
final class StateArrays {
    /** Blocks kept per shape: a few layers, a few parts each. */
    private static final int KEEP = 16;
    private static final Pool<float[][][]> STEPS = new Pool<>();
    private static final Pool<float[][]> ROWS = new Pool<>();
    /**
     * Test seam: blocks handed out, made fresh among them, and handed back, over both pools.
     * {@code AtomicLong}, not {@code LongAdder}: the first contended {@code LongAdder} update
     * invalidated the compiled methods around it (bench/README.md, "MLP loops, fifth pass").
     */
    static final AtomicLong TAKEN = new AtomicLong();
    static final AtomicLong MADE = new AtomicLong();
    static final AtomicLong GIVEN = new AtomicLong();

    private record Shape(int steps, int arrays, int len) {
    }

    private StateArrays() {
    }

    /** {@code steps × arrays} arrays of {@code len} floats each, contents undefined. */
    static float[][][] take(int steps, int arrays, int len) {
        float[][][] block = STEPS.poll(new Shape(steps, arrays, len));
        return block != null ? block : made(new float[steps][arrays][len]);
    }

    /** {@code arrays} arrays of {@code len} floats each, contents undefined. */
    static float[][] take(int arrays, int len) {
        float[][] block = ROWS.poll(new Shape(1, arrays, len));
        return block != null ? block : made(new float[arrays][len]);
    }

    /** Gives back a block from {@link #take(int, int, int)}; the caller must not touch it afterwards. */
    static void give(float[][][] block) {
        STEPS.offer(new Shape(block.length, block[0].length, block[0][0].length), block);
    }

    /** Gives back a block from {@link #take(int, int)}; the caller must not touch it afterwards. */
    static void give(float[][] block) {
        ROWS.offer(new Shape(1, block.length, block[0].length), block);
    }

    private static <B> B made(B block) {
        MADE.incrementAndGet();
        return block;
    }

    /** Free blocks by shape. */
    private static final class Pool<B> {
        private final ConcurrentHashMap<Shape, ConcurrentLinkedDeque<B>> free = new ConcurrentHashMap<>();

        B poll(Shape shape) {
            TAKEN.incrementAndGet();
            ConcurrentLinkedDeque<B> blocks = free.get(shape);
            return blocks == null ? null : blocks.pollFirst();
        }

        void offer(Shape shape, B block) {
            GIVEN.incrementAndGet();
            ConcurrentLinkedDeque<B> blocks = free.computeIfAbsent(shape, s -> new ConcurrentLinkedDeque<>());
            if (blocks.size() < KEEP) {
                blocks.offerFirst(block);
            }
        }
    }
}
