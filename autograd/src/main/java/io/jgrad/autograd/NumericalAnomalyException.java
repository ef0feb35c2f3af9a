package io.jgrad.autograd;

/** Thrown in {@link AnomalyMode} when an op's forward value or backward gradient holds NaN or Inf. */
public class NumericalAnomalyException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    private final String op;

    public NumericalAnomalyException(String op, String message) {
        super(message);
        this.op = op;
    }

    /** The name of the op that produced the non-finite value. */
    public String op() {
        return op;
    }
}
