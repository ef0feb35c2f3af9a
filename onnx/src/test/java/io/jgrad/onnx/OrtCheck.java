package io.jgrad.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.jgrad.autograd.Variable;
import io.jgrad.nn.Module;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The proof that an export is right: the model is exported on one example, then ONNX Runtime
 * runs the file on an input of another batch size, and its output must equal jgrad's eval-mode
 * forward element by element within {@code |ort - jgrad| <= RTOL·|jgrad| + ATOL}: 1e-5 relative,
 * plus 1e-6 absolute for values near zero, where a float32 sum of many terms in another order
 * differs by a few units in the last place of its largest terms rather than of the result.
 */
public final class OrtCheck {
    public static final double RTOL = 1e-5;
    public static final double ATOL = 1e-6;
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private OrtCheck() {
    }

    /**
     * The worst errors of one comparison: {@code relative} over the elements with
     * {@code |jgrad| >= ATOL/RTOL} (0.1: where the relative term of the tolerance dominates),
     * {@code absolute} over all.
     */
    public record Errors(double relative, double absolute, long elements) {
        @Override
        public String toString() {
            return String.format("worst relative error %.3g, worst absolute error %.3g over %d values", relative, absolute,
                    elements);
        }
    }

    /**
     * Exports {@code model} on {@code example} to {@code file}, runs ONNX Runtime on {@code input}
     * (a different batch size) and asserts its output equals jgrad's eval forward of {@code input}.
     */
    public static Errors exportAndCompare(String label, Module model, Tensor example, Tensor input, Path file) {
        if (example.shape()[0] == input.shape()[0]) {
            throw new IllegalArgumentException("OrtCheck: the input must have another batch size than the example, both have "
                    + example.shape()[0]);
        }
        Onnx.export(model, example, file);
        return compare(label, evalForward(model, input), run(file, input));
    }

    /** jgrad's eval-mode forward of {@code input} (the model's mode is put back afterwards). */
    public static Tensor evalForward(Module model, Tensor input) {
        boolean training = model.isTraining();
        model.eval();
        try (var ignored = Variable.noGrad()) {
            return model.forward(Variable.constant(input)).value();
        } finally {
            model.train(training);
        }
    }

    /**
     * Asserts ONNX Runtime's output {@code actual} equals jgrad's {@code expected} in shape and,
     * element by element, within the tolerance; prints and returns the worst errors.
     */
    public static Errors compare(String label, Tensor expected, Ort actual) {
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            throw new AssertionError(label + ": ONNX Runtime's output has shape " + Shapes.str(actual.shape())
                    + ", jgrad's " + Shapes.str(expected.shape()));
        }
        Errors e = compare(label, expected.toDoubleArray(), actual.values());
        System.out.println("ORT " + label + ": " + e);
        return e;
    }

    /** ONNX Runtime's output: its shape and values. */
    public record Ort(long[] shape, double[] values) {
    }

    /** Runs the model in {@code file} on {@code input} in ONNX Runtime (one intra-op thread). */
    public static Ort run(Path file, Tensor input) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = ENV.createSession(file.toString(), options);
                 OnnxTensor in = tensor(input);
                 OrtSession.Result result = session.run(Map.of(Onnx.INPUT, in))) {
                OnnxTensor out = (OnnxTensor) result.get(Onnx.OUTPUT).orElseThrow();
                long[] shape = out.getInfo().getShape();
                double[] values;
                if (out.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                    FloatBuffer fb = out.getFloatBuffer();
                    values = new double[fb.remaining()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = fb.get(i);
                    }
                } else {
                    DoubleBuffer db = out.getDoubleBuffer();
                    values = new double[db.remaining()];
                    db.get(values);
                }
                return new Ort(shape, values);
            }
        } catch (OrtException e) {
            throw new AssertionError("ONNX Runtime failed on " + file + ": " + e.getMessage(), e);
        }
    }

    private static OnnxTensor tensor(Tensor t) throws OrtException {
        return switch (t.dtype()) {
            case FLOAT32 -> OnnxTensor.createTensor(ENV, FloatBuffer.wrap(t.toFloatArray()), t.shape());
            case FLOAT64 -> OnnxTensor.createTensor(ENV, DoubleBuffer.wrap(t.toDoubleArray()), t.shape());
            case INT64 -> OnnxTensor.createTensor(ENV, LongBuffer.wrap(t.toLongArray()), t.shape());
        };
    }

    private static Errors compare(String label, double[] expected, double[] actual) {
        double rel = 0;
        double abs = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double d = Math.abs(actual[i] - e);
            if (!(d <= RTOL * Math.abs(e) + ATOL)) {
                throw new AssertionError(label + ": element " + i + " is " + actual[i] + " in ONNX Runtime, " + e
                        + " in jgrad (|diff| " + d + " > " + RTOL + "·|jgrad| + " + ATOL + ")");
            }
            abs = Math.max(abs, d);
            if (Math.abs(e) >= ATOL / RTOL) {
                rel = Math.max(rel, d / Math.abs(e));
            }
        }
        return new Errors(rel, abs, expected.length);
    }
}
