package io.jgrad.tensor.backend;

import java.lang.ref.Reference;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BroadcastOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * In-place row and column broadcasts ({@code x[i, j] ∘= row[j]}, {@code x[i, j] ∘= column[i]} for
 * {@code x [N, C]}) as ND4J broadcast ops, held until they have finished: what the {@code nd4j}
 * backend uses instead of ND4J's {@code muliRowVector}, {@code subiColumnVector} and their siblings.
 *
 * <p>Why: those methods build an op (a broadcast op, or for a column of a {@code c}-order array
 * a scalar op along a dimension) with its own small array of dimensions, and ND4J's executioner
 * drops the op once it has handed that array's buffer to native code: its last use of the op is
 * before the native call ({@code NativeOpExecutioner.exec(BroadcastOp)} and
 * {@code invokeScalarAlongDimension} in 1.0.0-M2.1; its reductions use the op after the call, so
 * they are safe). A collection during the call may then find the array unreachable, and ND4J's
 * deallocator thread frees its buffer while the kernel reads it: twice a test JVM on the
 * {@code nd4j} backend died with SIGSEGV in {@code sd::DataBuffer::primary()} inside
 * {@code execBroadcast}. Here the op stays reachable ({@link Reference#reachabilityFence}) until
 * the call returns. An {@code x} that is not {@code [N, C]} with a row of {@code C} (a column of
 * {@code N}) goes to ND4J's own method.
 */
public final class Nd4jBroadcasts {
    private Nd4jBroadcasts() {
    }

    /** {@code x[i, j] *= row[j]}; returns {@code x}. */
    public static INDArray rowMuli(INDArray x, INDArray row) {
        return fits(x, row, 1) ? exec(new BroadcastMulOp(x, distinct(x, row), x, 1)) : x.muliRowVector(row);
    }

    /** {@code x[i, j] += row[j]}; returns {@code x}. */
    public static INDArray rowAddi(INDArray x, INDArray row) {
        return fits(x, row, 1) ? exec(new BroadcastAddOp(x, distinct(x, row), x, 1)) : x.addiRowVector(row);
    }

    /** {@code x[i, j] -= row[j]}; returns {@code x}. */
    public static INDArray rowSubi(INDArray x, INDArray row) {
        return fits(x, row, 1) ? exec(new BroadcastSubOp(x, distinct(x, row), x, 1)) : x.subiRowVector(row);
    }

    /** {@code x[i, j] *= column[i]}; returns {@code x}. */
    public static INDArray columnMuli(INDArray x, INDArray column) {
        return fits(x, column, 0) ? exec(new BroadcastMulOp(x, distinct(x, column), x, 0)) : x.muliColumnVector(column);
    }

    /** {@code x[i, j] -= column[i]}; returns {@code x}. */
    public static INDArray columnSubi(INDArray x, INDArray column) {
        return fits(x, column, 0) ? exec(new BroadcastSubOp(x, distinct(x, column), x, 0)) : x.subiColumnVector(column);
    }

    /** Runs {@code op}, keeping it (and so its dimensions' buffer) reachable until it has finished; returns its result. */
    public static INDArray exec(BroadcastOp op) {
        Nd4j.getExecutioner().exec(op);
        Reference.reachabilityFence(op);
        return op.z();
    }

    /**
     * Whether {@code v} runs along dimension {@code dim} of a non-empty {@code x [N, C]}: {@code C}
     * elements for a row ({@code dim} 1: {@code [C]} or {@code [1, C]}), {@code N} for a column
     * ({@code dim} 0: {@code [N]} or {@code [N, 1]}).
     */
    private static boolean fits(INDArray x, INDArray v, int dim) {
        return x.rank() == 2 && v.rank() <= 2 && v.length() == x.size(dim) && v.length() > 0 && x.length() > 0
                && (v.rank() < 2 || v.size(1 - dim) == 1);
    }

    /**
     * {@code v}, or a copy when it lies in {@code x}'s memory: ND4J's own methods copy it only when
     * it is {@code x}'s very buffer, so a row that is a view of {@code x} was read after it was written.
     */
    private static INDArray distinct(INDArray x, INDArray v) {
        return x.data() == v.data() || x.data().address() == v.data().address() ? v.dup() : v;
    }
}
