package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.ClassLabels;
import io.jgrad.tensor.backend.LossPass;
import io.jgrad.tensor.backend.Ops;
import java.util.Arrays;

/**
 * Loss functions with PyTorch's formulas and reductions (mean over the batch unless stated).
 * Each is one fused graph node computed by the backend ({@link Ops}'s loss methods), instead of
 * a log-softmax, a gather and a mean chained through the graph: on {@code cpu} one stable pass
 * over a host copy (accumulated in double) and the closed-form gradient in one more; on
 * {@code nd4j} the same formulas as ND4J ops, with the loss and its gradient kept on the device.
 *
 * <p>Bad input (labels out of range, wrong batch sizes, an empty batch, bad class weights) is an
 * {@link IllegalArgumentException} naming the loss, the argument and the offending values.
 *
 * <pre>{@code
 * Variable loss = Losses.crossEntropy(logits, new int[] {0, 2, 1});   // logits [3, C], mean over the batch
 * Variable mse = Losses.mse(prediction, target);
 * }</pre>
 */
public final class Losses {
    private Losses() {
    }

    // ---------------------------------------------------------------- cross entropy

    /**
     * {@code F.cross_entropy(logits, targets)}: {@code L = -(1/N) Σ_i log softmax(x_i)[y_i]};
     * gradient {@code (softmax(x) - onehot(y)) / N}.
     *
     * @param logits  {@code [N, C]} unnormalised scores
     * @param targets {@code N} class indices in {@code [0, C)}
     */
    public static Variable crossEntropy(Variable logits, int[] targets) {
        return crossEntropy(logits, targets, null, 0.0);
    }

    /**
     * Cost-sensitive cross entropy, {@code F.cross_entropy(logits, targets, weight=w)}: PyTorch's
     * weighted mean {@code L = Σ_i w[y_i]·l_i / Σ_i w[y_i]} with {@code l_i = -log softmax(x_i)[y_i]}.
     *
     * @param classWeights {@code C} non-negative weights, or null for all ones
     */
    public static Variable crossEntropy(Variable logits, int[] targets, float[] classWeights) {
        return crossEntropy(logits, targets, classWeights, 0.0);
    }

    /**
     * Cross entropy with PyTorch's {@code label_smoothing=ε} (and optional class weights), as
     * PyTorch 1.13 computes it:
     * {@code L = (1-ε)·Σ_i w[y_i]·l_i / Σ_i w[y_i] + (ε/C)·Σ_i Σ_c w_c·(-log p_ic) / Σ_i w[y_i]},
     * which without weights (all {@code w = 1}) is {@code (1-ε)·NLL + (ε/C)·mean_i Σ_c -log p_ic}.
     * Gradient of row {@code i}: {@code [(1-ε)·w[y_i]·(p_i - onehot(y_i)) + (ε/C)·(Σ_c w_c·p_i - w)] / Σ_i w[y_i]}.
     *
     * @param classWeights   {@code C} non-negative weights, or null for all ones
     * @param labelSmoothing {@code ε} in {@code [0, 1]}
     */
    public static Variable crossEntropy(Variable logits, int[] targets, float[] classWeights, double labelSmoothing) {
        long[] shape = checkLogits("crossEntropy", "logits", logits);
        checkBatch("crossEntropy", targets, shape[0]);
        return crossEntropy(logits, ClassLabels.of("crossEntropy", targets, (int) shape[1], classWeights), labelSmoothing);
    }

    /**
     * {@link #crossEntropy(Variable, int[], float[], double)} with labels (and class weights)
     * already prepared for the backend ({@link ClassLabels#prepare()}): on the {@code nd4j}
     * backend the loss and its backward then move no value between the device and the JVM.
     */
    public static Variable crossEntropy(Variable logits, ClassLabels targets, double labelSmoothing) {
        String op = "crossEntropy";
        long[] shape = checkLogits(op, "logits", logits);
        checkLabels(op, targets, shape);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(op + ": labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        LossPass pass = Ops.get().crossEntropy(logits.value().array(), targets, labelSmoothing);
        return Variable.fromOp(op, pass.value(), g -> pass.backward(g, true), logits);
    }

    /**
     * Per-token cross entropy, {@code F.cross_entropy(logits.reshape(-1, C), targets.reshape(-1))}:
     * the mean of {@code -log softmax(x)[t]} over every position whose target is not PyTorch's
     * default {@code ignore_index} of -100.
     *
     * @param logits  {@code [..., C]} unnormalised scores (e.g. {@code [N, T, C]} for a sequence batch)
     * @param targets INT64 class indices of the leading shape {@code [...]}
     */
    public static Variable crossEntropy(Variable logits, Tensor targets) {
        return TokenCrossEntropy.of(logits, targets, TokenCrossEntropy.DEFAULT_IGNORE_INDEX);
    }

    /**
     * Per-token cross entropy with {@code ignore_index}: the mean over the positions whose
     * target is not {@code ignoreIndex} (padding, say); those positions get no gradient. When
     * every target is ignored the loss is NaN and the gradient 0, as in PyTorch. One fused node
     * (log-softmax + NLL) on the backend.
     *
     * @throws IllegalArgumentException for targets that are not INT64, do not have the logits'
     *         leading shape, or hold a counted index outside {@code [0, C)} (naming it and its position)
     */
    public static Variable crossEntropy(Variable logits, Tensor targets, long ignoreIndex) {
        return TokenCrossEntropy.of(logits, targets, ignoreIndex);
    }

    // ---------------------------------------------------------------- regression

    /**
     * {@code F.mse_loss(prediction, target)}: {@code L = (1/n) Σ (p - t)²} over all {@code n}
     * elements; gradients {@code ±2(p - t)/n}. The shapes must be equal.
     */
    public static Variable mse(Variable prediction, Variable target) {
        checkSameShape("mse", "prediction", prediction, "target", target);
        return twoInputLoss("mse", Ops.get().mse(prediction.value().array(), target.value().array()), prediction,
                target);
    }

    /**
     * {@code F.binary_cross_entropy_with_logits(x, y)}, stable for any {@code x} with PyTorch's
     * formula {@code l = (1 - y)·x + m + log(e^-m + e^(-x-m))}, {@code m = max(-x, 0)}, averaged
     * over all elements; gradients {@code (σ(x) - y)/n} for {@code x} and {@code -x/n} for {@code y}.
     */
    public static Variable bceWithLogits(Variable logits, Variable targets) {
        checkSameShape("bceWithLogits", "logits", logits, "targets", targets);
        return twoInputLoss("bceWithLogits", Ops.get().bceWithLogits(logits.value().array(), targets.value().array()),
                logits, targets);
    }

    // ---------------------------------------------------------------- divergences

    /**
     * {@code F.kl_div(input, target, reduction="batchmean")} with {@code input} log-probabilities
     * and {@code target} probabilities: {@code L = (1/N) Σ t·(log t - input)}, a term being 0
     * where {@code t == 0}; {@code N} is the size of dimension 0. Gradients: {@code -t/N} for
     * the input, {@code (log t + 1 - input)/N} (0 where {@code t == 0}) for the target.
     */
    public static Variable klDivergence(Variable studentLogProbs, Variable teacherProbs) {
        String op = "klDivergence";
        long[] shape = checkSameShape(op, "studentLogProbs", studentLogProbs, "teacherProbs", teacherProbs);
        if (shape.length == 0 || shape[0] == 0) {
            throw new IllegalArgumentException(op + ": needs a non-empty batch dimension, got shape " + Shapes.str(shape));
        }
        return twoInputLoss(op, Ops.get().klDivergence(studentLogProbs.value().array(), teacherProbs.value().array()),
                studentLogProbs, teacherProbs);
    }

    /**
     * Knowledge distillation (Hinton et al., 2015) as one fused node:
     * {@code L = α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1-α)·CE(s, y)} with the KL term in
     * PyTorch's batchmean reduction. Gradient with respect to the student logits, row {@code i}:
     * {@code [α·T·(softmax(s_i/T) - softmax(t_i/T)) + (1-α)·(softmax(s_i) - onehot(y_i))] / N}.
     * No gradient flows into the teacher. {@code targets} may be null when {@code α = 1}
     * (soft targets only, e.g. an unlabeled transfer set).
     *
     * @param temperature {@code T > 0}
     * @param alpha       {@code α} in {@code [0, 1]}
     */
    public static Variable distillation(Variable studentLogits, Variable teacherLogits, int[] targets,
                                        double temperature, double alpha) {
        String op = "distillation";
        long[] shape = checkDistillation(op, studentLogits, teacherLogits, temperature, alpha);
        ClassLabels labels = null;
        if (alpha < 1) {
            if (targets == null) {
                throw new IllegalArgumentException(op + ": targets are null but alpha = " + alpha
                        + " < 1 gives the hard-label term weight " + (1 - alpha) + "; pass labels or use alpha = 1");
            }
            checkBatch(op, targets, shape[0]);
            labels = ClassLabels.of(op, targets, (int) shape[1], null);
        }
        return distillationOf(studentLogits, teacherLogits, labels, temperature, alpha);
    }

    /**
     * {@link #distillation(Variable, Variable, int[], double, double)} with labels already
     * prepared for the backend ({@link ClassLabels#prepare()}; null when {@code α = 1}). Named
     * apart from it so that a {@code null} for the labels stays unambiguous.
     */
    public static Variable distillationOf(Variable studentLogits, Variable teacherLogits, ClassLabels targets,
                                        double temperature, double alpha) {
        String op = "distillation";
        long[] shape = checkDistillation(op, studentLogits, teacherLogits, temperature, alpha);
        if (alpha < 1) {
            if (targets == null) {
                throw new IllegalArgumentException(op + ": targets are null but alpha = " + alpha
                        + " < 1 gives the hard-label term weight " + (1 - alpha) + "; pass labels or use alpha = 1");
            }
            checkLabels(op, targets, shape);
        }
        LossPass pass = Ops.get().distillation(studentLogits.value().array(), teacherLogits.value().array(),
                alpha < 1 ? targets : null, temperature, alpha);
        return Variable.fromOp(op, pass.value(), g -> pass.backward(g, true), studentLogits);
    }

    // ---------------------------------------------------------------- helpers

    /** A loss node over two inputs whose backward is the pass's, for the inputs that want a gradient. */
    private static Variable twoInputLoss(String op, LossPass pass, Variable a, Variable b) {
        return Variable.fromOp(op, pass.value(), g -> pass.backward(g, a.requiresGrad(), b.requiresGrad()), a, b);
    }

    private static long[] checkDistillation(String op, Variable studentLogits, Variable teacherLogits,
                                            double temperature, double alpha) {
        long[] shape = checkLogits(op, "studentLogits", studentLogits);
        long[] tShape = teacherLogits.shape();
        if (!Arrays.equals(shape, tShape)) {
            throw new IllegalArgumentException(op + ": studentLogits " + Shapes.str(shape) + " and teacherLogits "
                    + Shapes.str(tShape) + " must have the same shape");
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException(op + ": temperature must be positive and finite, got " + temperature);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException(op + ": alpha must be in [0, 1], got " + alpha);
        }
        return shape;
    }

    private static long[] checkLogits(String op, String name, Variable logits) {
        if (logits == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        long[] shape = logits.shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException(op + ": " + name + " must be [batch, classes], got shape " + Shapes.str(shape));
        }
        if (shape[0] == 0) {
            throw new IllegalArgumentException(op + ": empty batch, " + name + " shape " + Shapes.str(shape));
        }
        if (shape[1] == 0) {
            throw new IllegalArgumentException(op + ": no classes, " + name + " shape " + Shapes.str(shape));
        }
        return shape;
    }

    private static void checkBatch(String op, int[] targets, long n) {
        if (targets == null) {
            throw new IllegalArgumentException(op + ": targets are null");
        }
        if (targets.length != n) {
            throw new IllegalArgumentException(op + ": batch size mismatch, logits have " + n + " rows but targets has "
                    + targets.length + " labels");
        }
    }

    private static void checkLabels(String op, ClassLabels labels, long[] shape) {
        if (labels == null) {
            throw new IllegalArgumentException(op + ": targets are null");
        }
        if (labels.size() != shape[0] || labels.numClasses() != shape[1]) {
            throw new IllegalArgumentException(op + ": targets hold " + labels.size() + " labels of "
                    + labels.numClasses() + " classes but logits are " + Shapes.str(shape));
        }
    }

    private static long[] checkSameShape(String op, String aName, Variable a, String bName, Variable b) {
        if (a == null || b == null) {
            throw new IllegalArgumentException(op + ": " + (a == null ? aName : bName) + " is null");
        }
        long[] sa = a.shape();
        long[] sb = b.shape();
        if (!Arrays.equals(sa, sb)) {
            throw new IllegalArgumentException(op + ": " + aName + " " + Shapes.str(sa) + " and " + bName + " "
                    + Shapes.str(sb) + " must have the same shape");
        }
        if (Shapes.size(sa) == 0) {
            throw new IllegalArgumentException(op + ": empty input, " + aName + " shape " + Shapes.str(sa));
        }
        if (a.value().dtype() != b.value().dtype()) {
            throw new IllegalArgumentException(op + ": element types differ, " + aName + " " + a.value().dtype()
                    + " vs " + bName + " " + b.value().dtype());
        }
        return sa;
    }
}
