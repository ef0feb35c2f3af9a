package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.backend.DropoutPass;
import io.jgrad.tensor.backend.Ops;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Inverted dropout (Srivastava et al., 2014) as PyTorch's {@code nn.Dropout(p)}: in training
 * mode each element is zeroed with probability {@code p} and the survivors are scaled by
 * {@code 1/(1-p)}, so evaluation mode is the identity. The mask comes from this layer's own
 * seeded {@link Rng}, so runs repeat exactly (on the {@code nd4j} backend it seeds ND4J's generator, which draws the mask
 * on the device: {@link Ops#dropoutMask}), and
 * a training checkpoint saves that generator ({@link Stochastic}); forward and backward share one mask
 * ({@link Ops#dropout}: one fused pass each way, the mask kept as heap bits on {@code cpu}).
 *
 * <pre>{@code
 * Sequential m = new Sequential(new Linear(20, 64), new ReLU(), new Dropout(0.3), new Linear(64, 3));
 * m.eval();   // no dropout in evaluation mode; m.train() turns it back on
 * }</pre>
 */
public class Dropout extends Module implements Stochastic {
    private final double p;
    private final Rng rng;

    /** Dropout drawing its masks from a generator split off {@link Rng#global()}. */
    public Dropout(double p) {
        this(p, Rng.global().split());
    }

    /** Dropout drawing its masks from {@code rng}. */
    public Dropout(double p, Rng rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1], got " + p);
        }
        if (rng == null) {
            throw new IllegalArgumentException("Dropout: rng is null");
        }
        this.p = p;
        this.rng = rng;
    }

    /** The generator the masks come from; training checkpoints save and restore its state. */
    @Override
    public Rng generator() {
        return rng;
    }

    /** The drop probability. */
    public double p() {
        return p;
    }

    @Override
    public Variable forward(Variable x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        DropoutPass pass = Ops.get().dropout(rng, p, x.value().array());
        return Variable.fromOp("dropout", pass.output(), g -> new INDArray[] {pass.backward(g)}, x);
    }

    @Override
    protected String extraRepr() {
        return "p=" + PyRepr.number(p) + ", inplace=False";
    }
}
