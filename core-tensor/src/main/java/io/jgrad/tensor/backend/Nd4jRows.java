package io.jgrad.tensor.backend;

import java.lang.ref.Reference;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BroadcastOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * In-place row broadcasts ({@code x[i, j] ∘= row[j]} for {@code x [N, C]}) for the {@code nd4j}
 * backend: the same broadcast ops ND4J's {@code muliRowVector}/{@code addiRowVector}/
 * {@code subiRowVector} run, but held here until they have finished.
 *
 * <p>Why: ND4J builds such an op, with its own small array of dimensions, and drops it as soon as
 * it has handed the op's buffers to native code. A collection during the native call may then
 * find that array unreachable, and ND4J's deallocator thread frees its buffer while the kernel
 * reads it: twice a test JVM on the {@code nd4j} backend died with SIGSEGV in
 * {@code sd::DataBuffer::primary()} inside {@code execBroadcast}, both times under batch norm's
 * row broadcasts (ND4J 1.0.0-M2.1's use-after-free race in its deallocators). An array that is not
 * {@code [N, C]} with a row of {@code C} goes to ND4J's own method.
 */
final class Nd4jRows {
    private Nd4jRows() {
    }

    /** {@code x[i, j] *= row[j]}; returns {@code x}. */
    static INDArray muli(INDArray x, INDArray row) {
        return fits(x, row) ? run(new BroadcastMulOp(x, distinct(x, row), x, 1)) : x.muliRowVector(row);
    }

    /** {@code x[i, j] += row[j]}; returns {@code x}. */
    static INDArray addi(INDArray x, INDArray row) {
        return fits(x, row) ? run(new BroadcastAddOp(x, distinct(x, row), x, 1)) : x.addiRowVector(row);
    }

    /** {@code x[i, j] -= row[j]}; returns {@code x}. */
    static INDArray subi(INDArray x, INDArray row) {
        return fits(x, row) ? run(new BroadcastSubOp(x, distinct(x, row), x, 1)) : x.subiRowVector(row);
    }

    private static boolean fits(INDArray x, INDArray row) {
        return x.rank() == 2 && row.rank() <= 2 && row.length() == x.size(1) && row.length() > 0 && x.length() > 0
                && (row.rank() < 2 || row.size(0) == 1);
    }

    /**
     * {@code row}, or a copy when it lies in {@code x}'s memory: ND4J's own methods copy it only when
     * it is {@code x}'s very buffer, so a row that is a view of {@code x} was read after it was written.
     */
    private static INDArray distinct(INDArray x, INDArray row) {
        return x.data() == row.data() || x.data().address() == row.data().address() ? row.dup() : row;
    }

    private static INDArray run(BroadcastOp op) {
        Nd4j.getExecutioner().exec(op);
        Reference.reachabilityFence(op);
        return op.z();
    }
}
