package io.jgrad.tensor.backend;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one definition of a "dense row-major array": row-major, not a view, starting at offset 0
 * of a buffer it fills exactly. Such an array's elements are its buffer's elements in order,
 * so a kernel may treat it as a flat vector (a BLAS leading dimension, a chunked JVM pass) and
 * the autograd engine may write into it as a gradient buffer. Used by the cpu backend's kernels
 * and by the engine; it is a layout test, not a kernel, so it reads no element.
 */
public final class Dense {
    private Dense() {
    }

    /**
     * Whether {@code a} is row-major, not a view, and owns exactly its buffer from offset 0. Written
     * out from ND4J's {@code isView()} (for an array that fills its buffer, a view is one whose
     * buffer is a part of another) so that ND4J's empty-array test, a loop over its option bits,
     * runs once instead of four times: the test is inlined into every kernel's compiled code.
     */
    public static boolean rowMajor(INDArray a) {
        if (a == null || a.isEmpty() || a.ordering() != 'c') {
            return false;
        }
        DataBuffer d = a.data();
        return d.offset() == 0 && d.length() == a.length() && (a.isS() || ownsBuffer(d));
    }

    /** Whether {@code d} is a buffer of its own, not a part of another (ND4J's view test). */
    private static boolean ownsBuffer(DataBuffer d) {
        DataBuffer original = d.originalDataBuffer();
        return original == null || original == d;
    }

    /**
     * Whether {@code a}'s elements are its buffer's elements in row-major order, as for
     * {@link #rowMajor}, but allowing a view that covers its whole buffer with the canonical
     * strides (what a reshape of a dense array returns). For operands a kernel only READS: writing
     * through such a view would write into the array it shares the buffer with.
     */
    public static boolean readableRowMajor(INDArray a) {
        if (a == null || a.isEmpty() || a.ordering() != 'c') {
            return false;
        }
        DataBuffer d = a.data();
        return d.offset() == 0 && d.length() == a.length()
                && (a.isS() || ownsBuffer(d) || Arrays.equals(a.stride(), Nd4j.getStrides(a.shape(), 'c')));
    }

    /** {@link #rowMajor} and float32. */
    public static boolean float32(INDArray a) {
        return a != null && a.dataType() == DataType.FLOAT && rowMajor(a);
    }

    /** Whether every array is {@link #float32} and all have the same length. */
    public static boolean float32All(INDArray... arrays) {
        long n = arrays[0].length();
        for (INDArray a : arrays) {
            if (!float32(a) || a.length() != n) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code view} reads, in row-major order, every element of {@code a}'s own buffer: the
     * same memory under another shape (what a reshape of a dense array is).
     */
    public static boolean wholeViewOf(INDArray view, INDArray a) {
        return readableRowMajor(view) && view.length() == a.length() && view.data().address() == a.data().address();
    }
}
