package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Loss functions with PyTorch's formulas and reductions (mean over the batch unless stated).
 * Each is one fused graph node: the forward is a single stable pass over a host copy of the
 * inputs (accumulated in double), and the backward writes the closed-form gradient in one more
 * pass, instead of chaining a log-softmax, a gather and a mean through the graph.
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
        String op = "crossEntropy";
        long[] shape = checkLogits(op, "logits", logits);
        int n = (int) shape[0];
        int c = (int) shape[1];
        checkTargets(op, targets, n, c);
        checkWeights(op, classWeights, c);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(op + ": labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        double eps = labelSmoothing;
        double[] w = new double[c];
        double sumW = 0;
        for (int j = 0; j < c; j++) {
            w[j] = classWeights == null ? 1.0 : classWeights[j];
            sumW += w[j];
        }
        double wTotal = sumW;
        RowLogSoftmax ls = new RowLogSoftmax(logits.value().array(), 1.0);
        double wSum = 0;
        double nll = 0;
        double smooth = 0;
        for (int i = 0; i < n; i++) {
            double wi = w[targets[i]];
            wSum += wi;
            nll -= wi * ls.logProb(i, targets[i]);
            if (eps > 0) {
                for (int j = 0; j < c; j++) {
                    smooth -= w[j] * ls.logProb(i, j);
                }
            }
        }
        double loss = (1 - eps) * nll / wSum + (eps > 0 ? eps / c * smooth / wSum : 0);
        double norm = wSum;
        DataType type = logits.value().array().dataType();
        return Variable.fromOp(op, Host.scalar(loss, type), g -> {
            double scale = g.getDouble(0) / norm;
            double[] dx = new double[n * c];
            for (int i = 0; i < n; i++) {
                double hard = (1 - eps) * w[targets[i]];
                for (int j = 0; j < c; j++) {
                    double p = ls.prob(i, j);
                    double d = hard * (p - (j == targets[i] ? 1 : 0));
                    if (eps > 0) {
                        d += eps / c * (wTotal * p - w[j]);
                    }
                    dx[i * c + j] = scale * d;
                }
            }
            return new INDArray[] {Host.array(dx, shape, type)};
        }, logits);
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
        String op = "mse";
        long[] shape = checkSameShape(op, "prediction", prediction, "target", target);
        double[] p = Host.doubles(prediction.value().array());
        double[] t = Host.doubles(target.value().array());
        int n = p.length;
        double[] diff = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            diff[i] = p[i] - t[i];
            sum += diff[i] * diff[i];
        }
        DataType type = prediction.value().array().dataType();
        return Variable.fromOp(op, Host.scalar(sum / n, type), g -> {
            double scale = 2 * g.getDouble(0) / n;
            INDArray dp = Host.array(scaled(diff, scale), shape, type);
            INDArray dt = target.requiresGrad() ? dp.neg() : null;
            return new INDArray[] {prediction.requiresGrad() ? dp : null, dt};
        }, prediction, target);
    }

    /**
     * {@code F.binary_cross_entropy_with_logits(x, y)}, stable for any {@code x} with PyTorch's
     * formula {@code l = (1 - y)·x + m + log(e^-m + e^(-x-m))}, {@code m = max(-x, 0)}, averaged
     * over all elements; gradients {@code (σ(x) - y)/n} for {@code x} and {@code -x/n} for {@code y}.
     */
    public static Variable bceWithLogits(Variable logits, Variable targets) {
        String op = "bceWithLogits";
        long[] shape = checkSameShape(op, "logits", logits, "targets", targets);
        double[] x = Host.doubles(logits.value().array());
        double[] y = Host.doubles(targets.value().array());
        int n = x.length;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double m = Math.max(-x[i], 0);
            sum += (1 - y[i]) * x[i] + m + Math.log(Math.exp(-m) + Math.exp(-x[i] - m));
        }
        DataType type = logits.value().array().dataType();
        return Variable.fromOp(op, Host.scalar(sum / n, type), g -> {
            double scale = g.getDouble(0) / n;
            double[] dx = new double[n];
            for (int i = 0; i < n; i++) {
                dx[i] = scale * (sigmoid(x[i]) - y[i]);
            }
            INDArray dy = targets.requiresGrad() ? Host.array(scaled(x, -scale), shape, type) : null;
            return new INDArray[] {Host.array(dx, shape, type), dy};
        }, logits, targets);
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
        double batch = shape[0];
        double[] in = Host.doubles(studentLogProbs.value().array());
        double[] t = Host.doubles(teacherProbs.value().array());
        double sum = 0;
        for (int i = 0; i < in.length; i++) {
            if (t[i] > 0) {
                sum += t[i] * (Math.log(t[i]) - in[i]);
            }
        }
        DataType type = studentLogProbs.value().array().dataType();
        return Variable.fromOp(op, Host.scalar(sum / batch, type), g -> {
            double scale = g.getDouble(0) / batch;
            INDArray dIn = studentLogProbs.requiresGrad() ? Host.array(scaled(t, -scale), shape, type) : null;
            INDArray dT = null;
            if (teacherProbs.requiresGrad()) {
                double[] d = new double[t.length];
                for (int i = 0; i < t.length; i++) {
                    d[i] = t[i] > 0 ? scale * (Math.log(t[i]) + 1 - in[i]) : 0;
                }
                dT = Host.array(d, shape, type);
            }
            return new INDArray[] {dIn, dT};
        }, studentLogProbs, teacherProbs);
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
        int n = (int) shape[0];
        int c = (int) shape[1];
        boolean hard = alpha < 1;
        if (hard) {
            if (targets == null) {
                throw new IllegalArgumentException(op + ": targets are null but alpha = " + alpha
                        + " < 1 gives the hard-label term weight " + (1 - alpha) + "; pass labels or use alpha = 1");
            }
            checkTargets(op, targets, n, c);
        }
        INDArray s = studentLogits.value().array();
        RowLogSoftmax student = new RowLogSoftmax(s, temperature);
        RowLogSoftmax teacher = new RowLogSoftmax(teacherLogits.value().array(), temperature);
        RowLogSoftmax plain = hard ? new RowLogSoftmax(s, 1.0) : null;
        double kl = 0;
        double ce = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                double p = teacher.prob(i, j);
                if (p > 0) {
                    kl += p * (teacher.logProb(i, j) - student.logProb(i, j));
                }
            }
            if (hard) {
                ce -= plain.logProb(i, targets[i]);
            }
        }
        double tt = temperature * temperature;
        double loss = alpha * tt * kl / n + (hard ? (1 - alpha) * ce / n : 0);
        DataType type = studentLogits.value().array().dataType();
        return Variable.fromOp(op, Host.scalar(loss, type), g -> {
            double scale = g.getDouble(0) / n;
            double[] dx = new double[n * c];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < c; j++) {
                    double d = alpha * temperature * (student.prob(i, j) - teacher.prob(i, j));
                    if (hard) {
                        d += (1 - alpha) * (plain.prob(i, j) - (j == targets[i] ? 1 : 0));
                    }
                    dx[i * c + j] = scale * d;
                }
            }
            return new INDArray[] {Host.array(dx, shape, type)};
        }, studentLogits);
    }

    // ---------------------------------------------------------------- helpers

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    private static double[] scaled(double[] a, double s) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] * s;
        }
        return out;
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

    private static void checkTargets(String op, int[] targets, int n, int c) {
        if (targets == null) {
            throw new IllegalArgumentException(op + ": targets are null");
        }
        if (targets.length != n) {
            throw new IllegalArgumentException(op + ": batch size mismatch, logits have " + n + " rows but targets has "
                    + targets.length + " labels");
        }
        for (int i = 0; i < n; i++) {
            if (targets[i] < 0 || targets[i] >= c) {
                throw new IllegalArgumentException(op + ": targets[" + i + "] = " + targets[i]
                        + " is out of range for " + c + " classes (valid 0.." + (c - 1) + ")");
            }
        }
    }

    private static void checkWeights(String op, float[] w, int c) {
        if (w == null) {
            return;
        }
        if (w.length != c) {
            throw new IllegalArgumentException(op + ": classWeights has " + w.length + " entries but logits have "
                    + c + " classes");
        }
        for (int j = 0; j < c; j++) {
            if (!(w[j] >= 0) || Float.isInfinite(w[j])) {
                throw new IllegalArgumentException(op + ": classWeights[" + j + "] = " + w[j]
                        + " must be finite and non-negative");
            }
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
