package io.jgrad.autograd;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The backward half of an op: given the gradient of the loss with respect to the op's output,
 * return the gradient with respect to each input, in input order.
 *
 * <p>An entry may be {@code null} when that input does not require a gradient. An entry may
 * have the broadcast output's shape: the engine sums it back down to the input's shape. The
 * engine never writes into the arrays it is given or returned, so returning {@code gradOut}
 * itself (as {@code add} does) is safe.
 *
 * <pre>{@code
 * INDArray v = x.value().array();
 * Variable square = Variable.fromOp("square", v.mul(v), gradOut -> new INDArray[] {gradOut.mul(v).muli(2)}, x);
 * }</pre>
 */
@FunctionalInterface
public interface GradFn {
    INDArray[] apply(INDArray gradOut);
}
