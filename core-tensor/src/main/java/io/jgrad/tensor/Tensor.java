package io.jgrad.tensor;

import io.jgrad.tensor.backend.Ops;
import io.jgrad.tensor.backend.Transfers;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An n-dimensional array of float32 (or float64) numbers, or of int64 indices, row-major, over an
 * ND4J {@link INDArray}.
 *
 * <p>A Tensor is the value type every other jgrad module passes around. It adds to the raw
 * INDArray what users of a framework expect: factories that validate their arguments, errors
 * that name the operation and the shapes involved, and seeded random construction. The wrapped
 * array is shared, not copied: {@link #array()} gives direct access for in-place work.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);   // [2, 3], float32, row-major
 * Tensor y = x.add(Tensor.ones(3));                             // broadcast over the rows
 * float[] values = y.toFloatArray();                            // {2, 3, 4, 5, 6, 7}
 * }</pre>
 */
public final class Tensor {
    static {
        Threads.configure();
    }

    private final INDArray array;
    /** For an INT64 tensor made from JVM values, what they are known to hold; else null. */
    private final IndexRange range;

    private Tensor(INDArray array) {
        this(array, null);
    }

    private Tensor(INDArray array, IndexRange range) {
        this.array = array;
        this.range = range;
    }

    /**
     * Wraps an existing ND4J array without copying. Only FLOAT, DOUBLE and LONG arrays are accepted.
     */
    public static Tensor wrap(INDArray array) {
        if (array == null) {
            throw new IllegalArgumentException("Tensor.wrap: array is null");
        }
        DType.of(array.dataType());
        return new Tensor(array);
    }

    /**
     * A float32 tensor holding a copy of {@code data}; its length must equal the shape's size.
     * Its native memory counts towards {@link NativeMemory}'s budget (a new batch each step is
     * the typical use).
     */
    public static Tensor of(float[] data, long... shape) {
        checkData("Tensor.of", data == null ? -1 : data.length, shape);
        INDArray a = NativeMemory.newTemporary(DataType.FLOAT, shape.clone());
        if (data.length > 0) {
            Ops.get().write(data, a);       // one bulk copy on the cpu backend
        }
        return new Tensor(a);
    }

    /**
     * The rows {@code rows[from..to)} of a row-major {@code [*, rowLength]} float matrix held in
     * {@code source}, as a new {@code [to - from, rowLength]} float32 tensor: each row is copied
     * once, straight into native memory (a batch gather, like {@code x[idx]} in PyTorch). Made
     * inside a {@link StepScope}, the batch is one of the step's temporaries and freed with it.
     *
     * @throws IllegalArgumentException for an empty or out-of-range {@code [from, to)} or a row
     *         index outside {@code source}
     */
    public static Tensor gatherRows(float[] source, int rowLength, int[] rows, int from, int to) {
        if (rowLength <= 0 || from < 0 || to > rows.length || from >= to) {
            throw new IllegalArgumentException("Tensor.gatherRows: range [" + from + ", " + to + ") of " + rows.length
                    + " rows, row length " + rowLength + ": needs a non-empty range and a positive row length");
        }
        checkRows(rows, from, to, source.length / rowLength);
        Ops ops = Ops.get();
        INDArray a = ops.newArray(DataType.FLOAT, to - from, rowLength);
        ops.gatherRows(source, rowLength, rows, from, to, a);
        return new Tensor(a);
    }

    /** Checks {@code rows[from..to)} against {@code [0, available)}: a loop kept apart from ND4J calls for the JIT (see Dataset#labelsOf). */
    private static void checkRows(int[] rows, int from, int to, long available) {
        for (int r = from; r < to; r++) {
            int i = rows[r];
            if (i < 0 || i >= available) {
                throw new IllegalArgumentException("Tensor.gatherRows: row index " + i + " is outside [0, " + available + ")");
            }
        }
    }

    /** A float64 tensor holding a copy of {@code data}; its length must equal the shape's size. */
    public static Tensor of(double[] data, long... shape) {
        checkData("Tensor.of", data == null ? -1 : data.length, shape);
        return new Tensor(Transfers.upload(data.clone(), shape));
    }

    /** A float32 scalar (shape {@code []}). */
    public static Tensor scalar(float v) {
        return new Tensor(Transfers.uploadScalar(DataType.FLOAT, v));
    }

    /** A float64 scalar (shape {@code []}). */
    public static Tensor scalar(double v) {
        return new Tensor(Transfers.uploadScalar(DataType.DOUBLE, v));
    }

    /** A float32 tensor of zeros. */
    public static Tensor zeros(long... shape) {
        return zeros(DType.FLOAT32, shape);
    }

    /** A tensor of zeros of the given type. */
    public static Tensor zeros(DType type, long... shape) {
        Shapes.checkValid("Tensor.zeros", shape);
        return new Tensor(Nd4j.zeros(type.nd4j(), shape));
    }

    /** A float32 tensor of ones. */
    public static Tensor ones(long... shape) {
        return full(1.0, DType.FLOAT32, shape);
    }

    /** A tensor filled with {@code value}. */
    public static Tensor full(double value, DType type, long... shape) {
        Shapes.checkValid("Tensor.full", shape);
        return new Tensor(Nd4j.valueArrayOf(shape, value, type.nd4j()));
    }

    /**
     * A float32 tensor of standard normal samples drawn from the global generator
     * ({@link Rng#global()}, seeded by {@link Rng#manualSeed}), as {@code torch.randn(*shape)}.
     */
    public static Tensor randn(long... shape) {
        return randn(Rng.global(), shape);
    }

    /** A float32 tensor of standard normal samples drawn from {@code generator}. */
    public static Tensor randn(Rng generator, long... shape) {
        if (generator == null) {
            throw new IllegalArgumentException("Tensor.randn: generator is null");
        }
        Shapes.checkValid("Tensor.randn", shape);
        float[] data = generator.normal(checkedSize("Tensor.randn", shape), 0, 1);
        return new Tensor(Transfers.upload(data, shape));
    }

    /**
     * An INT64 tensor holding a copy of {@code data} (class labels, token ids); its length must
     * equal the shape's size. It remembers the range of the values ({@link #indexRange()}), so
     * that an embedding or a cross-entropy can check them without reading them back.
     */
    public static Tensor ofLongs(long[] data, long... shape) {
        checkData("Tensor.ofLongs", data == null ? -1 : data.length, shape);
        if (data.length == 0) {
            return new Tensor(Nd4j.create(DataType.LONG, shape, 'c'));
        }
        return new Tensor(Transfers.uploadLongs(data.clone(), shape), IndexRange.of(data));
    }

    /** The INT64 tensor {@code [0, 1, ..., n-1]}, as {@code torch.arange(n)}. */
    public static Tensor arange(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("Tensor.arange: n must be non-negative, got " + n);
        }
        long[] data = new long[Math.toIntExact(n)];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        return ofLongs(data, n);
    }

    /** A float32 tensor uniform in [lo, hi) drawn from {@code rng}. */
    public static Tensor uniform(Rng rng, double lo, double hi, long... shape) {
        Shapes.checkValid("Tensor.uniform", shape);
        return new Tensor(Transfers.upload(rng.uniform(checkedSize("Tensor.uniform", shape), lo, hi), shape));
    }

    /** The shape, a fresh copy ({@code []} for a scalar). */
    public long[] shape() {
        return array.shape();
    }

    /** The number of dimensions. */
    public int rank() {
        return array.rank();
    }

    /** The number of elements. */
    public long size() {
        return array.length();
    }

    /** The element type. */
    public DType dtype() {
        return DType.of(array.dataType());
    }

    /** The elements in row-major order, as floats. */
    public float[] toFloatArray() {
        return Transfers.readFloats(array);
    }

    /**
     * The elements of an INT64 tensor in row-major order.
     *
     * @throws IllegalArgumentException for a float tensor (convert it first with {@code to(DType.INT64)},
     *         which truncates toward zero as PyTorch's {@code .long()})
     */
    public long[] toLongArray() {
        if (dtype() != DType.INT64) {
            throw new IllegalArgumentException("Tensor.toLongArray: needs an INT64 tensor, got " + dtype()
                    + Shapes.str(shape()) + "; convert it with to(DType.INT64)");
        }
        return Transfers.readLongs(array);
    }

    /**
     * What the values of an INT64 tensor made by {@link #ofLongs} are known to hold, taken from
     * the JVM values it was made of; null for any other tensor (one computed on the device, or
     * a float tensor). An INT64 tensor is a value: one changed in place through {@link #array()}
     * must be made anew for this to stay true.
     */
    public IndexRange indexRange() {
        return range;
    }

    /** The elements in row-major order, as doubles. */
    public double[] toDoubleArray() {
        return Transfers.readDoubles(array);
    }

    /**
     * The single element of a one-element tensor.
     *
     * @throws IllegalStateException when the tensor holds more or fewer than one element
     */
    public float item() {
        if (array.length() != 1) {
            throw new IllegalStateException("Tensor.item: needs exactly one element, shape is " + Shapes.str(shape()));
        }
        return (float) Transfers.readDouble(array, 0);
    }

    /**
     * The element at a flat row-major index, as a double, whatever the array's layout
     * (ND4J's own {@code getDouble(long)} counts in the array's order, column-major for 'f').
     */
    public double getDouble(long index) {
        return Transfers.readDouble(array, index);
    }

    /** The backing ND4J array (shared, not a copy). */
    public INDArray array() {
        return array;
    }

    /** {@code this + other} as a new Tensor, NumPy broadcasting, no graph. */
    public Tensor add(Tensor other) {
        return TensorMath.apply(TensorMath.Op.ADD, this, other);
    }

    /** {@code this - other} as a new Tensor, NumPy broadcasting, no graph. */
    public Tensor sub(Tensor other) {
        return TensorMath.apply(TensorMath.Op.SUB, this, other);
    }

    /** {@code this * other} elementwise as a new Tensor, NumPy broadcasting, no graph. */
    public Tensor mul(Tensor other) {
        return TensorMath.apply(TensorMath.Op.MUL, this, other);
    }

    /** {@code this / other} elementwise as a new Tensor, NumPy broadcasting, no graph. */
    public Tensor div(Tensor other) {
        return TensorMath.apply(TensorMath.Op.DIV, this, other);
    }

    /** {@code this + s} as a new Tensor. */
    public Tensor add(double s) {
        return TensorMath.scalar(TensorMath.Op.ADD, this, s);
    }

    /** {@code this * s} as a new Tensor. */
    public Tensor mul(double s) {
        return TensorMath.scalar(TensorMath.Op.MUL, this, s);
    }

    /** A deep copy in row-major order. */
    public Tensor copy() {
        return new Tensor(array.dup('c'));
    }

    /** A copy converted to {@code type} (the same tensor when it already has that type). */
    public Tensor to(DType type) {
        return type == dtype() ? this : new Tensor(array.castTo(type.nd4j()));
    }

    /** True when the shapes match and every element is equal (bit-level for non-NaN values). */
    public boolean contentEquals(Tensor other) {
        return Arrays.equals(shape(), other.shape()) && dtype() == other.dtype()
                && Arrays.equals(toDoubleArray(), other.toDoubleArray());
    }

    @Override
    public String toString() {
        return "Tensor" + Shapes.str(shape()) + " " + dtype() + "\n" + array;
    }

    /** {@code length} -1 stands for a null data array. */
    private static void checkData(String op, long length, long[] shape) {
        if (length < 0 || shape == null) {
            throw new IllegalArgumentException(op + ": " + (length < 0 ? "data" : "shape") + " is null");
        }
        Shapes.checkValid(op, shape);
        if (Shapes.size(shape) != length) {
            throw new IllegalArgumentException(op + ": data has " + length + " elements but shape "
                    + Shapes.str(shape) + " needs " + Shapes.size(shape));
        }
    }

    private static int checkedSize(String op, long[] shape) {
        long n = Shapes.size(shape);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": shape " + Shapes.str(shape) + " is too large");
        }
        return (int) n;
    }
}
