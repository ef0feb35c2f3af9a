package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Weight penalties to add to a loss, each one fused node over a list of parameters:
 * {@code l1 = λ·Σ|w|} (gradient {@code λ·sign(w)}, 0 at 0 as PyTorch's {@code sign}) and
 * {@code l2 = λ·Σw²} (gradient {@code 2λ·w}). Note that {@code l2} with λ equals SGD's
 * {@code weight_decay = 2λ}.
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
        double sum = 0;
        for (Variable p : ps) {
            sum += p.value().array().norm1Number().doubleValue();
        }
        return Variable.fromOp("l1", Host.scalar(lambda * sum, type(ps)), g -> {
            double s = lambda * g.getDouble(0);
            INDArray[] out = new INDArray[ps.length];
            for (int i = 0; i < ps.length; i++) {
                out[i] = ps[i].requiresGrad() ? Transforms.sign(ps[i].value().array(), true).muli(s) : null;
            }
            return out;
        }, ps);
    }

    /** {@code λ·Σ_p Σp²} over every element of every parameter. */
    public static Variable l2(Iterable<? extends Variable> params, double lambda) {
        Variable[] ps = check("l2", params, lambda);
        double sum = 0;
        for (Variable p : ps) {
            double norm = p.value().array().norm2Number().doubleValue();
            sum += norm * norm;
        }
        return Variable.fromOp("l2", Host.scalar(lambda * sum, type(ps)), g -> {
            double s = 2 * lambda * g.getDouble(0);
            INDArray[] out = new INDArray[ps.length];
            for (int i = 0; i < ps.length; i++) {
                out[i] = ps[i].requiresGrad() ? ps[i].value().array().mul(s) : null;
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
