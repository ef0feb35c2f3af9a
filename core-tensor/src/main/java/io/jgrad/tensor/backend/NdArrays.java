package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The ND4J array factories and element-wise functions that autograd, the layers and the
 * optimizers use where both backends run the same ND4J op: the one place above which no class
 * names {@code Nd4j}, {@code Transforms} or a custom op (enforced by {@code SeamRulesTest}), so
 * that what runs on the device is decided in this package. None of them reads an element into
 * the JVM: a constant here is a kernel argument, not a transfer ({@link Transfers}).
 */
public final class NdArrays {
    private NdArrays() {
    }

    // ---------------------------------------------------------------- new arrays

    /** A row-major array of {@code shape}, contents undefined, its memory from the {@link BufferCache}. */
    public static INDArray uninitialized(DataType type, long... shape) {
        return BufferCache.uninitialized(type, shape);
    }

    /** An array of zeros. */
    public static INDArray zeros(DataType type, long... shape) {
        return Nd4j.zeros(type, shape);
    }

    /** An array of {@code shape} with every element {@code value}. */
    public static INDArray full(DataType type, double value, long... shape) {
        return Nd4j.valueArrayOf(shape, value, type);
    }

    /** A scalar (shape {@code []}) holding {@code value}, a constant made on the device. */
    public static INDArray scalar(DataType type, double value) {
        return Nd4j.scalar(type, value);
    }

    /** {@code [0, 1, …, n−1]} as a vector of {@code type}. */
    public static INDArray arange(long n, DataType type) {
        return Nd4j.arange(n).castTo(type);
    }

    // ---------------------------------------------------------------- structure

    /** The arrays joined along {@code axis}. */
    public static INDArray concat(int axis, INDArray... arrays) {
        return Nd4j.concat(axis, arrays);
    }

    /** The index of the first largest ({@code largest}) or smallest element along {@code axis}. */
    public static INDArray argExtreme(INDArray a, int axis, boolean largest) {
        return largest ? Nd4j.argMax(a, axis) : Nd4j.argMin(a, axis);
    }

    /** The (batched) matrix product {@code a·b}, broadcasting leading dimensions as {@code torch.matmul}. */
    public static INDArray matmul(INDArray a, INDArray b) {
        return Nd4j.matmul(a, b);
    }

    /** The rows {@code rows} of the matrix {@code a}, gathered on the device. */
    public static INDArray rows(INDArray a, int[] rows) {
        return Nd4j.pullRows(a, 1, rows);
    }

    /** {@code dst[index[i], :] += updates[i, :]} in place (libnd4j's {@code scatter_add}); returns dst. */
    public static INDArray scatterAddRows(INDArray dst, INDArray index, INDArray updates) {
        Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(dst, index, updates.dup('c')).addOutputs(dst).build());
        return dst;
    }

    /** A boolean array from a libnd4j pairwise comparison ({@code greater_equal}, {@code less_equal}) of equal shapes. */
    public static INDArray compare(String name, INDArray a, INDArray b) {
        INDArray out = Nd4j.createUninitialized(DataType.BOOL, a.shape());
        Nd4j.exec(DynamicCustomOp.builder(name).addInputs(a.dup('c'), b.dup('c')).addOutputs(out).build());
        return out;
    }

    // ---------------------------------------------------------------- element-wise (new arrays unless *InPlace)

    public static INDArray exp(INDArray a) {
        return Transforms.exp(a, true);
    }

    public static INDArray log(INDArray a) {
        return Transforms.log(a, true);
    }

    public static INDArray pow(INDArray a, double p) {
        return Transforms.pow(a, p, true);
    }

    public static INDArray abs(INDArray a) {
        return Transforms.abs(a, true);
    }

    /** {@code sign(a)}: −1, 0 or 1, as PyTorch's {@code sign}. */
    public static INDArray sign(INDArray a) {
        return Transforms.sign(a, true);
    }

    public static INDArray sqrt(INDArray a) {
        return Transforms.sqrt(a, true);
    }

    public static INDArray sin(INDArray a) {
        return Transforms.sin(a, true);
    }

    public static INDArray cos(INDArray a) {
        return Transforms.cos(a, true);
    }

    /** The Gauss error function, in place. */
    public static INDArray erfInPlace(INDArray a) {
        Nd4j.exec(new Erf(a, a));
        return a;
    }

    /** {@code max(a, v)} element-wise, in place. */
    public static INDArray maxInPlace(INDArray a, double v) {
        return Transforms.max(a, v, false);
    }

    /** {@code min(a, v)} element-wise, in place. */
    public static INDArray minInPlace(INDArray a, double v) {
        return Transforms.min(a, v, false);
    }

    /** {@code max(a, b)} element-wise into {@code a}, in place. */
    public static INDArray maxInPlace(INDArray a, INDArray b) {
        return Transforms.max(a, b, false);
    }

    /** {@code x ≥ 0 ? x : slope·x}. */
    public static INDArray leakyRelu(INDArray a, double slope) {
        return Transforms.leakyRelu(a, slope, true);
    }

    /** {@code x > 0 ? 1 : 0}. */
    public static INDArray step(INDArray a) {
        return Transforms.step(a, true);
    }
}
