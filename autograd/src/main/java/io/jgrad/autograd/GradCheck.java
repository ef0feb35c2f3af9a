package io.jgrad.autograd;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.Transfers;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Checks a function's autograd gradients against central finite differences in float64, like
 * {@code torch.autograd.gradcheck}. A non-scalar output is first reduced to
 * {@code sum(output * v)} with a fixed random {@code v}, which checks the full vector-Jacobian
 * product. Defaults are PyTorch's: eps 1e-6, atol 1e-5, rtol 1e-3.
 *
 * <pre>{@code
 * GradCheck.assertGradients(v -> v[0].mul(v[1]).tanh(), x, y);
 * }</pre>
 */
public final class GradCheck {
    private GradCheck() {
    }

    /** The outcome of a check: the worst element and a readable summary. */
    public record Report(boolean passed, double maxAbsError, String worst) {
    }

    /** Runs the check with PyTorch's default tolerances. */
    public static Report check(Function<Variable[], Variable> fn, Tensor... inputs) {
        return check(fn, 1e-6, 1e-5, 1e-3, inputs);
    }

    /** Runs the check and throws an {@link AssertionError} describing the worst element if it fails. */
    public static void assertGradients(Function<Variable[], Variable> fn, Tensor... inputs) {
        Report r = check(fn, inputs);
        if (!r.passed()) {
            throw new AssertionError("GradCheck failed: " + r.worst());
        }
    }

    /**
     * Compares analytic and numeric gradients of every input; an element passes when
     * {@code |analytic - numeric| <= atol + rtol * |numeric|}.
     *
     * @throws IllegalArgumentException when an input is not float64
     */
    public static Report check(Function<Variable[], Variable> fn, double eps, double atol, double rtol, Tensor... inputs) {
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("GradCheck: input " + i + " " + Shapes.str(inputs[i].shape())
                        + " is " + inputs[i].dtype() + "; finite differences need FLOAT64 (use Tensor.to(DType.FLOAT64))");
            }
        }
        Variable[] vars = new Variable[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            vars[i] = Variable.of(inputs[i], true);
        }
        Variable out = fn.apply(vars);
        INDArray weights = projection(out.value().shape());
        Variable loss = out.value().size() == 1 ? out.sum() : out.mul(Variable.constant(Tensor.wrap(weights))).sum();
        loss.backward();

        double worstErr = 0;
        double worstExcess = 0;
        String worst = "all gradients match";
        boolean passed = true;
        for (int i = 0; i < inputs.length; i++) {
            INDArray x = inputs[i].array();
            Tensor g = vars[i].grad();
            for (long j = 0; j < x.length(); j++) {
                // element j in row-major order, also for column-major inputs (e.g. a transpose)
                double orig = Transfers.readDouble(x, j);
                Transfers.writeDouble(x, j, orig + eps);
                double plus = evaluate(fn, vars, weights);
                Transfers.writeDouble(x, j, orig - eps);
                double minus = evaluate(fn, vars, weights);
                Transfers.writeDouble(x, j, orig);
                double numeric = (plus - minus) / (2 * eps);
                double analytic = g == null ? 0 : g.getDouble(j);
                double err = Math.abs(analytic - numeric);
                double excess = err - (atol + rtol * Math.abs(numeric));
                boolean bad = excess > 0 || Double.isNaN(err);
                if (err > worstErr || Double.isNaN(err)) {
                    worstErr = err;
                }
                if (bad && (passed || excess > worstExcess)) {
                    worstExcess = excess;
                    passed = false;
                    worst = "input " + i + " " + Shapes.str(x.shape()) + " element " + j + ": analytic " + analytic
                            + " vs numeric " + numeric + " (|diff| " + err + ")";
                }
            }
        }
        return new Report(passed, worstErr, worst);
    }

    private static double evaluate(Function<Variable[], Variable> fn, Variable[] vars, INDArray weights) {
        try (NoGrad g = Variable.noGrad()) {
            INDArray out = fn.apply(vars).value().array();
            return Transfers.readDouble(out.length() == 1 ? out : out.mul(weights).sum(), 0);
        }
    }

    private static INDArray projection(long[] shape) {
        Rng rng = new Rng(0x6A67726164L);
        double[] v = new double[(int) Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextDouble() * 2 - 1;
        }
        return Transfers.upload(v, shape);
    }
}
