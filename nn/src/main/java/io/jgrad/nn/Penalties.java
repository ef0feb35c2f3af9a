package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.DType;
import io.jgrad.tensor.backend.NdArrays;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Weight penalties to add to a loss, each one fused node over a list of parameters:
 * {@code l1 = λ·Σ|w|} (gradient {@code λ·sign(w)}, 0 at 0 as PyTorch's {@code sign}) and
 * {@code l2 = λ·Σw²} (gradient {@code 2λ·w}). Note that {@code l2} with λ equals SGD's
 * {@code weight_decay = 2λ}. The sums stay arrays and the backward scales by the output
 * gradient as an array, so neither is read into the JVM.
 *
 * <pre>{@code
 * Variable loss = Losses.crossEntropy(model.forward(x), y).add(Penalties.l2(model.parameters(), 1e-4));
 * }</pre>
 */
public final class Penalties {
    private Penalties() {
    }

    /** {@code λ·Σ_p Σ|p|} over every element of every parameter. */
    public static Variable l1(Iterable<? extends Variable> params, double lambda) {
        Variable[] ps = check("l1", params, lambda);
        INDArray sum = NdArrays.scalar(type(ps), 0.0);
        for (Variable p : ps) {
            sum.addi(p.value().array().norm1().castTo(sum.dataType()));
        }
        return Variable.fromOp("l1", sum.muli(lambda), g -> {
            INDArray[] out = new INDArray[ps.length];
            for (int i = 0; i < ps.length; i++) {
                INDArray w = ps[i].value().array();
                out[i] = ps[i].requiresGrad() ? NdArrays.sign(w).muli(g.castTo(w.dataType())).muli(lambda) : null;
            }
            return out;
        }, ps);
    }

    /** {@code λ·Σ_p Σp²} over every element of every parameter. */
    public static Variable l2(Iterable<? extends Variable> params, double lambda) {
        Variable[] ps = check("l2", params, lambda);
        INDArray sum = NdArrays.scalar(type(ps), 0.0);
        for (Variable p : ps) {
            INDArray norm = p.value().array().norm2().castTo(sum.dataType());
            sum.addi(norm.muli(norm));
        }
        return Variable.fromOp("l2", sum.muli(lambda), g -> {
            INDArray[] out = new INDArray[ps.length];
            for (int i = 0; i < ps.length; i++) {
                INDArray w = ps[i].value().array();
                out[i] = ps[i].requiresGrad() ? w.mul(g.castTo(w.dataType())).muli(2 * lambda) : null;
            }
            return out;
        }, ps);
    }

    private static Variable[] check(String op, Iterable<? extends Variable> params, double lambda) {
        if (params == null) {
            throw new IllegalArgumentException("Penalties." + op + ": params is null");
        }
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("Penalties." + op + ": lambda must be finite and non-negative, got " + lambda);
        }
        List<Variable> list = new ArrayList<>();
        for (Variable p : params) {
            if (p == null) {
                throw new IllegalArgumentException("Penalties." + op + ": parameter " + list.size() + " is null");
            }
            list.add(p);
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("Penalties." + op + ": params is empty");
        }
        return list.toArray(new Variable[0]);
    }

    private static org.nd4j.linalg.api.buffer.DataType type(Variable[] ps) {
        for (Variable p : ps) {
            if (p.value().dtype() == DType.FLOAT64) {
                return DType.FLOAT64.nd4j();
            }
        }
        return DType.FLOAT32.nd4j();
    }
}
